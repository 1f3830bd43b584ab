import { refusalLine } from '../../src/observability/refusals.js';

describe('refusalLine', () => {
  test('a 401 or 403: the error and description from the challenge, and the correlation id', () => {
    const challenge =
      'Bearer error="invalid_token", error_description="The access token expired; sign in again.", resource_metadata="https://gw/.well-known/oauth-protected-resource/mcp"';
    expect(refusalLine('mcp', 'inv-1', { status: 401, headers: { 'WWW-Authenticate': challenge } })).toBe(
      'mcp: refused 401 invalid_token: The access token expired; sign in again. (correlation id inv-1)',
    );
    expect(refusalLine('mcp', 'inv-2', { status: 401, headers: new Headers({ 'www-authenticate': 'Bearer resource_metadata="x"' }) })).toBe(
      'mcp: refused 401 no token (correlation id inv-2)',
    );
    expect(
      refusalLine('mcp', 'inv-4', {
        status: 403,
        headers: { 'www-authenticate': 'Bearer error="insufficient_scope", error_description="The tool \\"x\\" needs \\\\ more", scope="a"' },
      }),
    ).toBe('mcp: refused 403 insufficient_scope: The tool "x" needs \\ more (correlation id inv-4)');
    expect(refusalLine('mcp', 'inv-3', { status: 403, headers: {} })).toBe('mcp: refused 403 forbidden (correlation id inv-3)');
  });

  test('nothing for any other response', () => {
    for (const result of [{ status: 200 }, { status: 400 }, { status: 500 }, undefined, 'text']) expect(refusalLine('f', 'i', result)).toBeUndefined();
  });
});
