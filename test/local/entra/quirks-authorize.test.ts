import { GRAPH_APP_ID, LOCAL_GATEWAY_APP, LOCAL_PASSWORD, LOCAL_USERS } from '../../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../../src/local/entra/index.js';
import { authorizeUrl, GATEWAY_CALLBACK, signIn, toResult } from '../../entra/helpers.js';

const API_SCOPE = `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`;
const NATIVE_APP = '66666666-6666-4666-8666-666666666666';
const CURSOR_REDIRECT = 'cursor://anysphere.cursor-mcp/oauth/callback';

/** Opens an authorize URL in "the browser" without following redirects. */
async function open(url: string) {
  return toResult(await fetch(url, { redirect: 'manual' }));
}

function expectEntraRedirectError(location: URL | undefined, error: string, code: number, state = 's1'): void {
  expect(location).toBeDefined();
  const q = location!.searchParams;
  expect(`${location!.origin}${location!.pathname}`).toBe(GATEWAY_CALLBACK);
  expect(q.get('code')).toBeNull();
  expect(q.get('error')).toBe(error);
  expect(q.get('error_description')).toMatch(
    new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
    ),
  );
  expect(q.get('error_uri')).toMatch(new RegExp(`/error\\?code=${code}$`));
  expect(q.get('state')).toBe(state);
  // Only Entra's redirect parameters: error_codes, trace_id & co. are token-endpoint JSON only.
  const allowed = ['error', 'error_description', 'error_uri', 'error_subcode', 'state'];
  expect([...q.keys()].filter((k) => !allowed.includes(k))).toEqual([]);
}

describe('Entra quirks at the authorize endpoint (design section 1)', () => {
  let entra: EntraEmulator;
  const base = { client_id: LOCAL_GATEWAY_APP.clientId, redirect_uri: GATEWAY_CALLBACK, response_type: 'code', state: 's1' };

  beforeAll(async () => {
    entra = await startEntraEmulator({
      directory: { apps: [{ appId: NATIVE_APP, displayName: 'Cursor-like native client', publicClient: { redirectUris: [CURSOR_REDIRECT] } }] },
    });
  });
  afterAll(() => entra.close());

  test('row 1: no RFC 8414 metadata (404), only OIDC discovery', async () => {
    expect((await fetch(`${entra.url}/.well-known/oauth-authorization-server`)).status).toBe(404);
    expect((await fetch(`${entra.url}/${entra.tenantId}/v2.0/.well-known/oauth-authorization-server`)).status).toBe(404);
    expect((await fetch(`${entra.url}/${entra.tenantId}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
  });

  test('rows 2 and 7: discovery has no registration_endpoint and no code_challenge_methods_supported', async () => {
    const meta = (await (await fetch(`${entra.url}/${entra.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(meta).not.toHaveProperty('registration_endpoint');
    expect(meta).not.toHaveProperty('code_challenge_methods_supported');
    expect(meta.authorization_endpoint).toBe(`${entra.url}/${entra.tenantId}/oauth2/v2.0/authorize`);
  });

  test("row 3: `resource` that is not the scopes' resource → redirect invalid_target AADSTS9010010", async () => {
    const r = await open(authorizeUrl(entra, { ...base, scope: `${API_SCOPE} openid`, resource: 'http://localhost:7071/mcp' }));
    expect(r.status).toBe(302);
    expectEntraRedirectError(r.location, 'invalid_target', 9010010);
  });

  test('row 5: a bare scope name is taken as a Graph scope → error page AADSTS650053, no redirect', async () => {
    const r = await open(authorizeUrl(entra, { ...base, scope: 'access_as_user openid' }));
    expect(r.status).toBe(400);
    expect(r.location).toBeUndefined();
    expect(r.html).toContain('AADSTS650053');
    expect(r.html).toContain(GRAPH_APP_ID);
  });

  test('row 6: a redirect URI that is not registered → error page AADSTS50011, no redirect', async () => {
    const r = await open(authorizeUrl(entra, { ...base, scope: API_SCOPE, redirect_uri: 'https://evil.example/callback' }));
    expect(r.status).toBe(400);
    expect(r.location).toBeUndefined();
    expect(r.html).toContain('AADSTS50011');
  });

  test('row 6: loopback redirect URIs match on any port (RFC 8252), other parts exactly', async () => {
    const anyPort = await open(authorizeUrl(entra, { ...base, scope: API_SCOPE, redirect_uri: 'http://localhost:9999/callback' }));
    expect(anyPort.status).toBe(200);
    const otherPath = await open(authorizeUrl(entra, { ...base, scope: API_SCOPE, redirect_uri: 'http://localhost:7071/Callback' }));
    expect(otherPath.html).toContain('AADSTS50011');
  });

  test('row 6: cursor:// works under mobile and desktop, and cannot be registered as a web redirect URI', async () => {
    const r = await open(authorizeUrl(entra, { ...base, client_id: NATIVE_APP, redirect_uri: CURSOR_REDIRECT, scope: 'openid offline_access' }));
    expect(r.status).toBe(200);
    await expect(
      startEntraEmulator({ directory: { apps: [{ appId: NATIVE_APP, displayName: 'x', web: { redirectUris: [CURSOR_REDIRECT] } }] } }),
    ).rejects.toThrow(/custom schemes belong under publicClient/);
  });

  test('AADSTS700016: unknown client → error page, no redirect', async () => {
    const r = await open(authorizeUrl(entra, { ...base, client_id: '77777777-7777-4777-8777-777777777777', scope: API_SCOPE }));
    expect(r.status).toBe(400);
    expect(r.location).toBeUndefined();
    expect(r.html).toContain('AADSTS700016');
  });

  test('AADSTS65001: with prompt=none, a permission the app holds no consent for → redirect consent_required', async () => {
    const r = await open(authorizeUrl(entra, { ...base, scope: 'https://graph.microsoft.com/Mail.Read openid', prompt: 'none' }));
    expectEntraRedirectError(r.location, 'consent_required', 65001);
  });

  test('AADSTS500011: a resource that does not exist in the tenant → redirect invalid_resource', async () => {
    const r = await open(authorizeUrl(entra, { ...base, scope: 'api://no-such-api/read' }));
    expectEntraRedirectError(r.location, 'invalid_resource', 500011);
  });

  test('AADSTS70011: .default mixed with a named scope of the same resource → redirect invalid_scope', async () => {
    const r = await open(authorizeUrl(entra, { ...base, scope: `${LOCAL_GATEWAY_APP.clientId}/.default ${API_SCOPE}` }));
    expectEntraRedirectError(r.location, 'invalid_scope', 70011);
  });

  test('prompt=none with no session → redirect login_required (AADSTS50058)', async () => {
    const r = await open(authorizeUrl(entra, { ...base, scope: API_SCOPE, prompt: 'none' }));
    expectEntraRedirectError(r.location, 'login_required', 50058);
  });

  test('scopes of two resources are allowed at authorize (consent up front); the token request is what fails', async () => {
    const r = await signIn(
      authorizeUrl(entra, { ...base, scope: `${API_SCOPE} https://graph.microsoft.com/User.Read` }),
      LOCAL_USERS[0].username,
      LOCAL_PASSWORD,
    );
    expect(r.location?.searchParams.get('code')).toBeTruthy();
  });

  test('sign-in form: accessible fields, login_hint prefilled, wrong password re-shows the form with an alert', async () => {
    const page = await open(authorizeUrl(entra, { ...base, scope: API_SCOPE, login_hint: 'adele@contoso.test' }));
    expect(page.html).toMatch(/<label for="username">/);
    expect(page.html).toMatch(/<label for="password">/);
    expect(page.html).toContain('value="adele@contoso.test"');
    const wrong = await signIn(authorizeUrl(entra, { ...base, scope: API_SCOPE }), LOCAL_USERS[0].username, 'nope');
    expect(wrong.status).toBe(200);
    expect(wrong.location).toBeUndefined();
    expect(wrong.html).toContain('role="alert"');
  });

  test('response_mode=form_post answers with an auto-submitting form carrying code and state', async () => {
    const r = await signIn(authorizeUrl(entra, { ...base, scope: API_SCOPE, response_mode: 'form_post' }), LOCAL_USERS[1].username, LOCAL_PASSWORD);
    expect(r.status).toBe(200);
    expect(r.html).toContain(`action="${GATEWAY_CALLBACK}"`);
    expect(r.html).toMatch(/name="code" value="[^"]+"/);
    expect(r.html).toContain('name="state" value="s1"');
  });
});
