// Attack: /authorize as an open redirector (RFC 9700 §4.11.2). Anyone can register a redirect URI by
// DCR, so an error redirected to a merely *registered* URI sends a victim wherever the attacker likes.
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { browse, CookieJar } from '../support/browser.js';
import { authorizationUrl, register } from '../support/oauth-client.js';

describe('attack: /authorize as an open redirector', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ gatewayPort: 0, log: () => {} });
  }, 60_000);
  afterAll(() => stack?.close());

  test.each([
    ['response_type=token', { response_type: 'token' }],
    ['an unknown scope', { scope: 'mcp:everything' }],
    ['no PKCE', { code_challenge: '', code_challenge_method: '' }],
  ])('an error (%s) for a DCR client with an attacker URI is shown on the gateway, not redirected', async (_name, change) => {
    const evil = 'https://evil.example/landing';
    const { status, json } = await register(`${stack.urls.gateway}/register`, {
      client_name: 'Totally Legit',
      redirect_uris: [evil],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(201);
    const { url } = authorizationUrl(`${stack.urls.gateway}/authorize`, String(json.client_id), evil, { resource: stack.urls.mcp, ...change });
    const response = await browse(new CookieJar(), url);
    expect(response.headers.get('location')).toBeNull();
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).not.toContain('evil.example');
  });
});
