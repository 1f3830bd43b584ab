import { ReadableStream } from 'node:stream/web';
import { corsOAuthEndpoint } from '../../src/http/endpoint.js';
import type { HttpInput, HttpOutput } from '../../src/http/types.js';
import { verifyClientSecret } from '../../src/oauth/client.js';
import { createRegisterHandler } from '../../src/oauth/register.js';
import type { ClientStore } from '../../src/store/clients.js';
import { startCosmosFixture, type CosmosFixture } from './fixtures.js';

function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): HttpInput {
  return new Request('http://localhost:7071/register', { method: 'POST', body, headers }) as unknown as HttpInput;
}

const inspector = {
  client_name: 'MCP Inspector',
  redirect_uris: ['http://localhost:6274/oauth/callback'],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  scope: 'mcp:tools',
};

describe('POST /register', () => {
  let fixture: CosmosFixture;
  let store: ClientStore;
  let register: (request: HttpInput) => Promise<HttpOutput>;
  const allowlists = { redirectUriAllowlist: [] as string[], clientNameAllowlist: [] as string[], cimdAllowLoopback: false };

  beforeAll(async () => {
    fixture = await startCosmosFixture();
    store = fixture.store();
    register = corsOAuthEndpoint(createRegisterHandler({ clients: store, registration: allowlists }));
  });
  afterAll(async () => {
    await fixture.close();
  });

  afterEach(() => {
    allowlists.redirectUriAllowlist = [];
    allowlists.clientNameAllowlist = [];
  });

  test('a public client gets 201, its metadata back, no secret, and is stored', async () => {
    const response = await register(post(JSON.stringify(inspector)));
    expect(response.status).toBe(201);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.headers['Access-Control-Allow-Origin']).toBe('*');
    const body = response.jsonBody as Record<string, unknown>;
    expect(body).toMatchObject({ ...inspector, client_id: expect.any(String), client_id_issued_at: expect.any(Number) });
    expect(body.client_secret).toBeUndefined();
    const stored = await fixture.store().getClient(body.client_id as string);
    expect(stored?.metadata.redirect_uris).toEqual(inspector.redirect_uris);
  });

  test('client ids are unguessable and distinct', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => ((await register(post(JSON.stringify(inspector)))).jsonBody as { client_id: string }).client_id));
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  });

  test('a confidential client gets a secret that is stored only as a hash', async () => {
    const response = await register(post(JSON.stringify({ ...inspector, token_endpoint_auth_method: 'client_secret_post' })));
    const body = response.jsonBody as { client_id: string; client_secret: string; client_secret_expires_at: number };
    expect(body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.client_secret_expires_at).toBe(0);
    const { resource } = await fixture.containers.clients.item(body.client_id, body.client_id).read();
    expect(JSON.stringify(resource)).not.toContain(body.client_secret);
    const client = (await fixture.store().getClient(body.client_id))!;
    expect(verifyClientSecret(client, body.client_secret)).toBe(true);
    expect(verifyClientSecret(client, `${body.client_secret}x`)).toBe(false);
  });

  test('without token_endpoint_auth_method, RFC 7591 default client_secret_basic applies', async () => {
    const { token_endpoint_auth_method: _omitted, ...rest } = inspector;
    const body = (await register(post(JSON.stringify(rest)))).jsonBody as Record<string, unknown>;
    expect(body.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(body.client_secret).toEqual(expect.any(String));
  });

  test('defaults: both grants, code, all supported scopes; unknown members dropped', async () => {
    const body = (
      await register(post(JSON.stringify({ redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'none', scope: 'claudeai', jwks: {} })))
    ).jsonBody as Record<string, unknown>;
    expect(body).toMatchObject({ grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'mcp:tools mcp:admin' });
    expect(body.jwks).toBeUndefined();
  });

  test('a bad redirect URI is invalid_redirect_uri with a useful description', async () => {
    const response = await register(post(JSON.stringify({ ...inspector, redirect_uris: ['javascript:alert(1)'] })));
    expect(response.status).toBe(400);
    expect(response.jsonBody).toEqual({ error: 'invalid_redirect_uri', error_description: expect.stringContaining('forbidden scheme') });
  });

  test('missing redirect_uris is invalid_redirect_uri', async () => {
    const response = await register(post(JSON.stringify({ client_name: 'x' })));
    expect(response.jsonBody).toMatchObject({ error: 'invalid_redirect_uri', error_description: expect.stringContaining('redirect_uris') });
  });

  test.each([
    [{ grant_types: ['client_credentials'] }, /grant_types contains unsupported value\(s\) "client_credentials"; supported: authorization_code, refresh_token/],
    [{ grant_types: ['refresh_token'] }, /must include "authorization_code"/],
    [{ response_types: ['token'] }, /response_types contains unsupported value\(s\) "token"/],
    [{ token_endpoint_auth_method: 'private_key_jwt' }, /"private_key_jwt" is not supported here; use one of: none, client_secret_post, client_secret_basic/],
    [{ client_uri: 'javascript:alert(1)' }, /client_uri must be an https URL/],
    [{ logo_uri: 'http://127.0.0.1.evil.example/logo.png' }, /logo_uri must be an https URL \(http only on loopback\)/],
    [{ policy_uri: 'http://localhost.evil.example/policy' }, /policy_uri must be an https URL/],
    [{ client_name: 42 }, /client_name/],
  ])('invalid metadata %j is invalid_client_metadata', async (change, description) => {
    const response = await register(post(JSON.stringify({ ...inspector, ...change })));
    expect(response.status).toBe(400);
    expect(response.jsonBody).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringMatching(description) });
  });

  test('a non-JSON body is invalid_client_metadata', async () => {
    const wrongType = await register(post(JSON.stringify(inspector), { 'content-type': 'text/plain' }));
    expect(wrongType.jsonBody).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringContaining('application/json') });
    const broken = await register(post('{"redirect_uris":'));
    expect(broken.jsonBody).toMatchObject({ error: 'invalid_client_metadata', error_description: expect.stringContaining('not valid JSON') });
  });

  test('an oversized body is refused with 413, also when streamed without a length', async () => {
    const big = JSON.stringify({ ...inspector, client_name: 'x'.repeat(17 * 1024) });
    const declared = await register(post(big));
    expect(declared.status).toBe(413);
    expect(declared.jsonBody).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('16384 bytes') });
    const chunk = new TextEncoder().encode('x'.repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 100) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await register({
      method: 'POST',
      url: 'http://localhost/register',
      headers: new Headers({ 'content-type': 'application/json' }),
      body: stream,
    });
    expect(streamed.status).toBe(413);
    expect(sent).toBeLessThan(10); // stopped reading soon after the limit, not after 400 KiB
  });

  test('the client-name allow-list, when set, refuses other names', async () => {
    allowlists.clientNameAllowlist = ['inspector', 'cursor'];
    expect((await register(post(JSON.stringify(inspector)))).status).toBe(201);
    const refused = await register(post(JSON.stringify({ ...inspector, client_name: 'Evil App' })));
    expect(refused.jsonBody).toEqual({ error: 'invalid_client_metadata', error_description: expect.stringContaining('inspector, cursor') });
  });

  test('the redirect URI allow-list, when set, refuses other URIs', async () => {
    allowlists.redirectUriAllowlist = ['http://localhost:*/oauth/callback'];
    expect((await register(post(JSON.stringify(inspector)))).status).toBe(201);
    const refused = await register(post(JSON.stringify({ ...inspector, redirect_uris: ['https://a.example/cb'] })));
    expect(refused.jsonBody).toMatchObject({ error: 'invalid_redirect_uri' });
  });

  test('OPTIONS preflight allows MCP-Protocol-Version from any origin, without credentials', async () => {
    const response = await register({ method: 'OPTIONS', url: 'http://localhost/register', headers: new Headers(), body: null });
    expect(response.status).toBe(204);
    expect(response.headers['Access-Control-Allow-Origin']).toBe('*');
    expect(response.headers['Access-Control-Allow-Headers']).toContain('MCP-Protocol-Version');
    expect(response.headers['Access-Control-Allow-Credentials']).toBeUndefined();
  });
});
