import { entitledScopes } from '../../src/authz/entitlement.js';
import { grantableStepUp, stepUpFor } from '../../src/mcp/step-up.js';

const BOTH = ['mcp:tools', 'mcp:admin'];
const USER = { roles: ['MCP.User'], groups: [] };
const ADMIN = { roles: ['MCP.User', 'MCP.Admin'], groups: [] };
const HELPDESK_GROUP = '6f1c1a52-0000-4000-8000-0000000000aa';
const HELPDESK = { roles: [], groups: [HELPDESK_GROUP.toUpperCase()] };
const call = (name: string) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } });

describe('entitlement: the scopes a user can be granted', () => {
  test('mcp:tools for everyone; mcp:admin only with the MCP.Admin role', () => {
    expect(entitledScopes(BOTH, USER, {})).toEqual(['mcp:tools']);
    expect(entitledScopes(BOTH, ADMIN, {})).toEqual(BOTH);
    expect(entitledScopes(BOTH, { roles: [], groups: [] }, {})).toEqual(['mcp:tools']);
  });

  test('a group permission that an admin tool accepts is enough for mcp:admin (GROUP_PERMISSIONS)', () => {
    expect(entitledScopes(BOTH, HELPDESK, { [HELPDESK_GROUP]: ['clients.read'] })).toEqual(BOTH);
    expect(entitledScopes(BOTH, HELPDESK, { [HELPDESK_GROUP]: ['something.else'] })).toEqual(['mcp:tools']);
  });

  test('no groups claim (none, or overage resolved only at tool time): a mapped permission keeps the scope; the tool decides', () => {
    const overage = { roles: [], groups: [] };
    expect(entitledScopes(BOTH, overage, { [HELPDESK_GROUP]: ['clients.read'] })).toEqual(BOTH);
    expect(entitledScopes(BOTH, overage, { [HELPDESK_GROUP]: ['something.else'] })).toEqual(['mcp:tools']);
    expect(entitledScopes(BOTH, { roles: [], groups: ['other-group'] }, { [HELPDESK_GROUP]: ['clients.read'] })).toEqual(['mcp:tools']);
  });

  test('never adds a scope that was not asked for', () => {
    expect(entitledScopes(['mcp:tools'], ADMIN, {})).toEqual(['mcp:tools']);
    expect(entitledScopes([], ADMIN, {})).toEqual([]);
  });
});

describe('step-up only when a new authorization could grant the scope', () => {
  test('an admin with a narrow session is asked to step up; a user without the role is not (the tool explains)', () => {
    const needed = stepUpFor(call('list_clients'), ['mcp:tools']);
    expect(needed?.missingScopes).toEqual(['mcp:admin']);
    expect(grantableStepUp(needed, ADMIN, {})).toEqual(needed);
    // A principal carries its session's scopes too: they must not count as entitlement.
    const principal = { ...ADMIN, scopes: ['mcp:tools'] };
    expect(grantableStepUp(needed, principal, {})).toEqual(needed);
    expect(grantableStepUp(needed, USER, {})).toBeUndefined();
    expect(grantableStepUp(undefined, ADMIN, {})).toBeUndefined();
  });
});
