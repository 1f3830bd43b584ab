import { authorize, permissionsOf, type AuthzSubject } from '../../src/authz/requirements.js';
import { describeRefusal } from '../../src/authz/refusal.js';

const HELPDESK = '99999999-0000-4000-8000-00000000000a';
const MAP = { [HELPDESK.toUpperCase()]: ['clients.read'], '99999999-0000-4000-8000-00000000000b': ['clients.read', 'clients.revoke'] };
const subject = (over: Partial<AuthzSubject> = {}): AuthzSubject => ({ scopes: ['mcp:tools'], roles: [], groups: [], ...over });
const ADMIN_TOOL = { scopes: ['mcp:admin'], roles: ['MCP.Admin'], permissions: ['clients.read'] };

describe('authorization rules for tools', () => {
  test('a tool that requires nothing of the user admits any session with its scopes', () => {
    expect(authorize(subject(), { scopes: ['mcp:tools'] }, {})).toEqual({ allowed: true });
    expect(authorize(subject(), {}, {})).toEqual({ allowed: true });
  });

  test('every required scope must be in the session; a role does not stand in for a scope', () => {
    const decision = authorize(subject({ roles: ['MCP.Admin'] }), ADMIN_TOOL, MAP);
    expect(decision).toEqual({ allowed: false, missingScopes: ['mcp:admin'], missingRoles: [], missingPermissions: [] });
  });

  test('any one of the roles admits the user; roles are compared exactly (Entra role values are case-sensitive)', () => {
    const tool = { roles: ['MCP.User', 'MCP.Admin'] };
    expect(authorize(subject({ roles: ['MCP.Admin'] }), tool, {}).allowed).toBe(true);
    expect(authorize(subject({ roles: ['mcp.admin'] }), tool, {})).toMatchObject({ allowed: false, missingRoles: ['MCP.User', 'MCP.Admin'] });
  });

  test('group membership grants permissions through GROUP_PERMISSIONS (group ids in any case), an alternative to the role', () => {
    const both = { scopes: ['mcp:tools', 'mcp:admin'] };
    expect(permissionsOf([HELPDESK], MAP)).toEqual(['clients.read']);
    expect(permissionsOf(['99999999-0000-4000-8000-00000000000B', HELPDESK], MAP)).toEqual(['clients.read', 'clients.revoke']);
    expect(authorize(subject({ ...both, groups: [HELPDESK] }), ADMIN_TOOL, MAP).allowed).toBe(true);
    expect(authorize(subject({ ...both, groups: [HELPDESK] }), { ...ADMIN_TOOL, permissions: ['clients.revoke'] }, MAP)).toEqual({
      allowed: false,
      missingScopes: [],
      missingRoles: ['MCP.Admin'],
      missingPermissions: ['clients.revoke'],
    });
    expect(authorize(subject({ ...both, groups: ['99999999-0000-4000-8000-0000000000ff'] }), ADMIN_TOOL, MAP).allowed).toBe(false);
  });

  test('the refusal says which role or permission is missing and how an administrator grants it', () => {
    const decision = authorize(subject({ roles: ['MCP.User'] }), ADMIN_TOOL, MAP);
    if (decision.allowed) throw new Error('expected a refusal');
    const text = describeRefusal('list_clients', decision, '11111111-1111-4111-8111-111111111111');
    expect(text).toContain('list_clients');
    expect(text).toContain('the app role "MCP.Admin"');
    expect(text).toContain('the permission "clients.read"');
    expect(text).toContain('Enterprise applications');
    expect(text).toContain('11111111-1111-4111-8111-111111111111');
    expect(text).toContain('GROUP_PERMISSIONS');
    expect(text).toContain('Reconnect the MCP client and authorize it with scope "mcp:tools mcp:admin"');
  });

  test('a refusal for the scope alone does not tell the user to ask for a role', () => {
    const decision = authorize(subject({ roles: ['MCP.Admin'] }), ADMIN_TOOL, MAP);
    if (decision.allowed) throw new Error('expected a refusal');
    const text = describeRefusal('revoke_client', decision, 'app');
    expect(text).not.toContain('app role');
    expect(text).toContain('"mcp:admin"');
  });
});
