import { handleToken } from '../../../src/oauth/token.js';
import { createCimdResolver } from '../../../src/oauth/cimd.js';
import { createCosmosClientStore, type ClientStore } from '../../../src/store/clients.js';
import { CLIENT, REDIRECT, signIn, startGrantsFixture, type GrantsFixture } from '../grants-fixture.js';

/** The token endpoint with the grant service on an injected clock: code expiry without sleeping. */
describe('token endpoint: code expiry (injected clock)', () => {
  let fixture: GrantsFixture;
  let clients: ClientStore;

  beforeAll(async () => {
    fixture = await startGrantsFixture();
    clients = createCosmosClientStore({
      container: fixture.harness.containers.clients,
      cimd: createCimdResolver({ allowLoopback: false, redirectUriAllowlist: [], clientNameAllowlist: [] }),
    });
    await clients.registerClient({
      clientId: CLIENT,
      source: 'dcr',
      issuedAt: Math.floor(fixture.clock.nowMs / 1000),
      metadata: {
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'mcp:tools',
      },
    });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  async function redeemAfter(ms: number): Promise<{ status: number; body: Record<string, unknown> }> {
    const grants = fixture.service();
    const flow = await signIn(grants, fixture.clock);
    fixture.clock.advance(ms);
    const request = new Request('http://localhost:7071/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: flow.code,
        code_verifier: flow.codeVerifier,
        redirect_uri: REDIRECT,
        client_id: CLIENT,
      }),
    });
    const deps = { config: { mcpResource: fixture.harness.config.mcpResource }, clients, grants };
    return handleToken(request as unknown as Parameters<typeof handleToken>[0], deps).then(
      (response) => ({ status: response.status, body: response.jsonBody as Record<string, unknown> }),
      (err: { status: number; errorCode: string; description: string }) => ({
        status: err.status,
        body: { error: err.errorCode, error_description: err.description },
      }),
    );
  }

  test('a code redeemed within its 5 minutes gives tokens', async () => {
    const result = await redeemAfter(4 * 60 * 1000);
    expect(result.status).toBe(200);
    expect(result.body.access_token).toEqual(expect.any(String));
  });

  test('a code redeemed after 5 minutes is invalid_grant', async () => {
    const result = await redeemAfter(5 * 60 * 1000 + 1000);
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_grant');
    expect(String(result.body.error_description)).toMatch(/expired/);
  });
});
