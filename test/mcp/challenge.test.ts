import { formatBearerChallenge, resourceMetadataUrl } from '../../src/mcp/challenge.js';

describe('mcp challenge: WWW-Authenticate formatting', () => {
  const resource = resourceMetadataUrl('https://gw.example');

  test('no token sent: resource_metadata and scope, no error code (RFC 6750 §3.1)', () => {
    expect(formatBearerChallenge({ resourceMetadataUrl: resource, scope: 'mcp:tools' })).toBe(
      'Bearer resource_metadata="https://gw.example/.well-known/oauth-protected-resource/mcp", scope="mcp:tools"',
    );
  });

  test('a bad token: error and description follow', () => {
    expect(
      formatBearerChallenge({ resourceMetadataUrl: resource, scope: 'mcp:tools', error: 'invalid_token', errorDescription: 'The access token has expired.' }),
    ).toBe(
      'Bearer resource_metadata="https://gw.example/.well-known/oauth-protected-resource/mcp", scope="mcp:tools", error="invalid_token", error_description="The access token has expired."',
    );
  });

  test('quotes and backslashes are escaped, and control characters cannot split the header', () => {
    const header = formatBearerChallenge({
      resourceMetadataUrl: resource,
      scope: 'mcp:tools mcp:admin',
      error: 'insufficient_scope',
      errorDescription: 'needs "mcp:admin" \\ now\r\nSet-Cookie: x=1',
    });
    expect(header).toContain('scope="mcp:tools mcp:admin"');
    expect(header).toContain('error_description="needs \\"mcp:admin\\" \\\\ now  Set-Cookie: x=1"');
    expect(header).not.toMatch(/[\r\n]/);
  });
});
