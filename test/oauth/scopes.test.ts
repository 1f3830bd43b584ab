import { InvalidScopeError } from '../../src/oauth/errors.js';
import { DEFAULT_SCOPES, hasScopes, parseScope, registrableScopes, resolveRequestedScopes, SUPPORTED_SCOPES } from '../../src/oauth/scopes.js';

describe('scopes', () => {
  test('parseScope splits on spaces and drops duplicates', () => {
    expect(parseScope('mcp:tools  mcp:tools mcp:admin')).toEqual(['mcp:tools', 'mcp:admin']);
    expect(parseScope(undefined)).toEqual([]);
  });

  test('authorize: no scope gets the defaults', () => {
    expect(resolveRequestedScopes(undefined)).toEqual([...DEFAULT_SCOPES]);
  });

  test('authorize: OIDC habits are accepted and dropped', () => {
    expect(resolveRequestedScopes('openid offline_access mcp:admin')).toEqual(['mcp:admin']);
  });

  test('authorize: an unknown scope is refused with the supported ones listed', () => {
    expect(() => resolveRequestedScopes('mcp:tools files.readwrite')).toThrow(InvalidScopeError);
    expect(() => resolveRequestedScopes('files.readwrite')).toThrow(/"files.readwrite".*supports: mcp:tools mcp:admin/);
  });

  test('registration: unknown names are dropped, none known means all supported', () => {
    expect(registrableScopes('claudeai')).toEqual([...SUPPORTED_SCOPES]);
    expect(registrableScopes('mcp:tools claudeai')).toEqual(['mcp:tools']);
  });

  test('hasScopes', () => {
    expect(hasScopes(['mcp:tools'], ['mcp:tools'])).toBe(true);
    expect(hasScopes(['mcp:tools'], ['mcp:admin'])).toBe(false);
  });
});
