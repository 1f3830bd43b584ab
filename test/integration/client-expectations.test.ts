// What today's MCP clients expect of the gateway (claude.ai, ChatGPT, Claude Code, Cursor, VS Code):
// a token for either transport's resource works on both, redirects to the client are 302/303 (claude.ai
// refuses 307), and DCR honours application_type.
import { CookieJar, browse } from '../support/browser.js';
import { authorizationUrl, register, tokenRequest } from '../support/oauth-client.js';
import { reachCallback } from './auth-flow-client.js';
import { CALL_WHOAMI, MCP_POST_HEADERS, openSse, startGateway, type GatewayUnderTest } from './mcp-gateway-support.js';

describe('what current MCP clients expect', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway();
  }, 60_000);
  afterAll(() => gateway?.close());

  const REDIRECT = 'http://127.0.0.1:43111/cb';

  /** Register, sign in through consent and the Entra emulator, keep the callback's redirect to the client. */
  async function signIn(resource: string) {
    const base = gateway.baseUrl;
    const { json } = await register(`${base}/register`, { client_name: 'Expectations', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
    const clientId = String(json.client_id);
    const request = authorizationUrl(`${base}/authorize`, clientId, REDIRECT, { resource });
    const jar = new CookieJar();
    const callbackUrl = await reachCallback(jar, request.url);
    const toClient = await browse(jar, callbackUrl);
    const code = new URL(toClient.headers.get('location')!).searchParams.get('code')!;
    const tokens = await tokenRequest(`${base}/token`, {
      grant_type: 'authorization_code',
      code,
      code_verifier: request.verifier,
      redirect_uri: REDIRECT,
      client_id: clientId,
      resource,
    });
    return { redirectStatus: toClient.status, accessToken: String(tokens.json.access_token) };
  }

  test('the redirect to the client with the code is a 302 or 303, never a 307', async () => {
    const { redirectStatus } = await signIn(`${gateway.baseUrl}/mcp`);
    expect([302, 303]).toContain(redirectStatus);
  });

  test.each(['/mcp', '/mcp/sse'])('a token asked for the resource %s works on both transports', async (path) => {
    const { accessToken } = await signIn(`${gateway.baseUrl}${path}`);
    const streamable = await fetch(`${gateway.baseUrl}/mcp`, {
      method: 'POST',
      headers: { ...MCP_POST_HEADERS, authorization: `Bearer ${accessToken}` },
      body: CALL_WHOAMI,
    });
    await streamable.body?.cancel();
    expect(streamable.status).toBe(200);
    const sse = await openSse(`${gateway.baseUrl}/mcp/sse`, accessToken);
    expect(sse.endpoint).toContain('/mcp/message');
    await sse.close();
  });

  describe('DCR honours application_type', () => {
    const registerWith = (application_type: string, redirect_uris: string[]) =>
      register(`${gateway.baseUrl}/register`, { client_name: 'Typed', application_type, redirect_uris, token_endpoint_auth_method: 'none' });

    test.each([
      ['web', ['https://app.example/cb', 'http://127.0.0.1:8080/cb']],
      ['native', ['http://127.0.0.1/cb', 'cursor://anysphere.cursor-mcp/oauth/callback', 'com.example.app:/oauth']],
      // VS Code registers as native with its https relay beside its loopback URIs.
      ['native', ['https://vscode.dev/redirect', 'http://127.0.0.1:33418/']],
    ])('%s with its kind of redirect URIs is registered, and the type is echoed', async (type, uris) => {
      const { status, json } = await registerWith(type, uris);
      expect(status).toBe(201);
      expect(json.application_type).toBe(type);
    });

    test.each([
      ['web', 'cursor://anysphere.cursor-mcp/oauth/callback'],
      ['web', 'com.example.app:/oauth'],
    ])('%s with the redirect URI %s is refused', async (type, uri) => {
      const { status, json } = await registerWith(type, [uri]);
      expect(status).toBe(400);
      expect(json.error).toBe('invalid_redirect_uri');
    });

    test('an unknown application_type is refused', async () => {
      const { status, json } = await registerWith('desktop', ['http://127.0.0.1/cb']);
      expect(status).toBe(400);
      expect(json.error).toBe('invalid_client_metadata');
    });
  });
});
