import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { browse, CookieJar, location, readForm } from '../support/browser.js';
import { reachCallback, signInThroughBrowser } from './auth-flow-client.js';

const REDIRECT = 'http://127.0.0.1:33418/oauth/callback';
const OTHER_REDIRECT = 'http://127.0.0.1:33418/other/callback';

interface Client {
  client_id: string;
  client_secret?: string;
}

describe('authorization flow: rejections', () => {
  let stack: LocalStack;
  let base: string;
  let publicClient: Client;
  /** A browser that approved publicClient + REDIRECT once: only then may errors be redirected there. */
  const approved = new CookieJar();
  const logged: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({ gatewayPort: 0, log: (_level, message) => logged.push(message) });
    base = stack.urls.gateway;
    publicClient = await register([REDIRECT, OTHER_REDIRECT]);
    await signInThroughBrowser(approved, authorizeUrl((await validParams()).params));
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function register(redirectUris: string[], method = 'none'): Promise<Client> {
    const response = await fetch(`${base}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'Rejection Test', redirect_uris: redirectUris, token_endpoint_auth_method: method }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Client;
  }

  async function pkce() {
    const verifier = generateRandomCodeVerifier();
    return { verifier, challenge: await calculatePKCECodeChallenge(verifier) };
  }

  function authorizeUrl(params: Record<string, string | undefined>): string {
    const url = new URL(`${base}/authorize`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  }

  async function validParams(client: Client = publicClient, redirectUri = REDIRECT) {
    const { verifier, challenge } = await pkce();
    const params = {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'client-state-1',
      resource: stack.urls.mcp,
    };
    return { params, verifier };
  }

  /** A fresh gateway code for the client, through consent and the Entra emulator. */
  async function freshCode(client: Client = publicClient, redirectUri = REDIRECT) {
    const { params, verifier } = await validParams(client, redirectUri);
    const redirect = await signInThroughBrowser(new CookieJar(), authorizeUrl(params));
    return { code: redirect.searchParams.get('code')!, verifier };
  }

  async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form),
    });
    return { response, body: (await response.json()) as Record<string, string> };
  }

  function redeem(code: string, verifier: string, client: Client = publicClient, redirectUri = REDIRECT) {
    return token({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: redirectUri,
      client_id: client.client_id,
      resource: stack.urls.mcp,
    });
  }

  function refresh(refreshToken: string, client: Client = publicClient) {
    return token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id });
  }

  /** An error page: status, no redirect, the error code on the page, framing refused. */
  async function expectErrorPage(response: Response, status: number, error: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).toContain(`<code>${error}</code>`);
  }

  function expectErrorRedirect(response: Response, error: string) {
    expect(response.status).toBe(302);
    const url = new URL(location(response));
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    expect(url.searchParams.get('error')).toBe(error);
    expect(url.searchParams.get('state')).toBe('client-state-1');
    expect(url.searchParams.get('iss')).toBe(base);
  }

  describe('GET /authorize', () => {
    test('before this browser approved the client, errors after the redirect URI check are a page too', async () => {
      const { params } = await validParams();
      await expectErrorPage(await browse(new CookieJar(), authorizeUrl({ ...params, scope: 'mcp:everything' })), 400, 'invalid_scope');
    });

    test('an unknown client gets an error page, never a redirect', async () => {
      const { params } = await validParams();
      await expectErrorPage(await browse(new CookieJar(), authorizeUrl({ ...params, client_id: 'no-such-client' })), 400, 'invalid_client');
    });

    test('an unregistered redirect URI gets an error page, never a redirect', async () => {
      const { params } = await validParams();
      const response = await browse(new CookieJar(), authorizeUrl({ ...params, redirect_uri: 'https://attacker.example/cb' }));
      await expectErrorPage(response, 400, 'invalid_request');
    });

    test('a loopback redirect URI on another port matches (RFC 8252 §7.3)', async () => {
      const { params } = await validParams();
      const response = await browse(new CookieJar(), authorizeUrl({ ...params, redirect_uri: REDIRECT.replace('33418', '40001') }));
      expect(response.status).toBe(200);
      const headers = response.headers;
      expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('cache-control')).toBe('no-store');
      const page = await response.text();
      expect(page).toContain('Rejection Test');
      expect(page).toContain('127.0.0.1:40001');
    });

    test('a repeated parameter is refused: on a page for client_id, redirected for the others', async () => {
      const { params } = await validParams();
      await expectErrorPage(await browse(new CookieJar(), `${authorizeUrl(params)}&client_id=${publicClient.client_id}`), 400, 'invalid_request');
      expectErrorRedirect(await browse(approved.clone(), `${authorizeUrl(params)}&scope=mcp:tools&scope=mcp:admin`), 'invalid_request');
    });

    test('an unknown scope is redirected as invalid_scope', async () => {
      const { params } = await validParams();
      expectErrorRedirect(await browse(approved.clone(), authorizeUrl({ ...params, scope: 'mcp:everything' })), 'invalid_scope');
    });

    test('missing PKCE is redirected as invalid_request', async () => {
      const { params } = await validParams();
      expectErrorRedirect(
        await browse(approved.clone(), authorizeUrl({ ...params, code_challenge: undefined, code_challenge_method: undefined })),
        'invalid_request',
      );
    });

    test('plain PKCE is redirected as invalid_request', async () => {
      const { params } = await validParams();
      expectErrorRedirect(await browse(approved.clone(), authorizeUrl({ ...params, code_challenge_method: 'plain' })), 'invalid_request');
    });

    test('a malformed S256 code_challenge is redirected as invalid_request', async () => {
      const { params } = await validParams();
      expectErrorRedirect(await browse(approved.clone(), authorizeUrl({ ...params, code_challenge: `${params.code_challenge}x` })), 'invalid_request');
    });

    test('a resource other than the MCP endpoint is redirected as invalid_target; /mcp/sse is the same resource', async () => {
      const { params } = await validParams();
      expectErrorRedirect(await browse(approved.clone(), authorizeUrl({ ...params, resource: 'https://other.example/mcp' })), 'invalid_target');
      expect((await browse(new CookieJar(), authorizeUrl({ ...params, resource: `${stack.urls.mcp}/sse` }))).status).toBe(200);
    });

    test('a response_type other than code is redirected as unsupported_response_type', async () => {
      const { params } = await validParams();
      expectErrorRedirect(await browse(approved.clone(), authorizeUrl({ ...params, response_type: 'token' })), 'unsupported_response_type');
    });
  });

  describe('POST /consent', () => {
    async function consentForm(jar: CookieJar) {
      const { params } = await validParams();
      const url = authorizeUrl(params);
      const page = await browse(jar, url);
      expect(page.status).toBe(200);
      return readForm(await page.text(), url);
    }

    test('without the CSRF token, or with a wrong one, it is refused; the right one still works once', async () => {
      const jar = new CookieJar();
      const form = await consentForm(jar);
      const { csrf_token: csrf, ...withoutCsrf } = form.fields;
      expect(csrf).toEqual(expect.any(String));
      await expectErrorPage(await browse(jar, form.action, { ...withoutCsrf, decision: 'approve' }), 403, 'access_denied');
      await expectErrorPage(
        await browse(jar, form.action, { ...withoutCsrf, csrf_token: `${csrf!.slice(0, -2)}AA`, decision: 'approve' }),
        403,
        'access_denied',
      );
      // Right token in the form but the cookie missing (another site posting the form): refused too.
      await expectErrorPage(await browse(jar.without('__Host-mcp-csrf'), form.action, { ...form.fields, decision: 'approve' }), 403, 'access_denied');

      const cookiesBefore = jar.clone();
      const approved = await browse(jar, form.action, { ...form.fields, decision: 'approve' });
      expect(approved.status).toBe(302);
      expect(location(approved)).toContain(stack.urls.entra);
      // Single use: the answer cleared this flow's CSRF cookie ...
      await expectErrorPage(await browse(jar, form.action, { ...form.fields, decision: 'approve' }), 403, 'access_denied');
      // ... and even with the old cookies replayed, the reservation was consumed: nothing to continue.
      await expectErrorPage(await browse(cookiesBefore, form.action, { ...form.fields, decision: 'approve' }), 400, 'invalid_request');
    });

    test('GET /consent has no page of its own', async () => {
      await expectErrorPage(await browse(new CookieJar(), `${base}/consent`), 400, 'invalid_request');
    });

    test('deny redirects access_denied to the client', async () => {
      const jar = new CookieJar();
      const form = await consentForm(jar);
      expectErrorRedirect(await browse(jar, form.action, { ...form.fields, decision: 'deny' }), 'access_denied');
    });
  });

  describe('GET /callback', () => {
    test('a replayed state is refused with a page', async () => {
      const jar = new CookieJar();
      const { params } = await validParams();
      const callbackUrl = await reachCallback(jar, authorizeUrl(params));
      expect((await browse(jar.clone(), callbackUrl)).status).toBe(302);
      await expectErrorPage(await browse(jar, callbackUrl), 400, 'invalid_request');
    });

    test('an Entra error (AADSTS50011) is sent to the client as server_error, and the log says which setting to fix', async () => {
      const jar = new CookieJar();
      const { params } = await validParams();
      const callbackUrl = new URL(await reachCallback(jar, authorizeUrl(params)));
      callbackUrl.searchParams.delete('code');
      callbackUrl.searchParams.set('error', 'invalid_request');
      callbackUrl.searchParams.set('error_description', 'AADSTS50011: The redirect URI specified in the request does not match.');
      const response = await browse(jar, callbackUrl.toString());
      expectErrorRedirect(response, 'server_error');
      expect(new URL(location(response)).searchParams.get('error_description')).not.toContain('AADSTS');
      expect(logged.join('\n')).toContain(`AADSTS50011. Fix: In the app registration, Authentication > Web: add ${base}/callback as a Web redirect URI`);
    });

    test('without the browser-binding cookie it is refused; the browser that started the flow can still finish it', async () => {
      const jar = new CookieJar();
      const { params } = await validParams();
      const callbackUrl = await reachCallback(jar, authorizeUrl(params));
      await expectErrorPage(await browse(jar.without('__Host-mcp-flow-'), callbackUrl), 400, 'invalid_request');
      const finished = await browse(jar, callbackUrl);
      expect(new URL(location(finished)).searchParams.get('code')).toEqual(expect.any(String));
    });
  });

  describe('POST /token', () => {
    test('a wrong code_verifier is invalid_grant (and does not use the code up)', async () => {
      const { code, verifier } = await freshCode();
      const wrong = await redeem(code, generateRandomCodeVerifier());
      expect(wrong.response.status).toBe(400);
      expect(wrong.body.error).toBe('invalid_grant');
      expect(wrong.response.headers.get('cache-control')).toBe('no-store');
      expect((await redeem(code, verifier)).response.status).toBe(200);
    });

    test('a replayed code is invalid_grant and revokes what the first redeem issued', async () => {
      const { code, verifier } = await freshCode();
      const first = await redeem(code, verifier);
      expect(first.response.status).toBe(200);
      expect(first.response.headers.get('pragma')).toBe('no-cache');
      const replay = await redeem(code, verifier);
      expect(replay.response.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');
      const after = await refresh(first.body.refresh_token!);
      expect(after.body.error).toBe('invalid_grant');
    });

    test('a code presented by another client is invalid_grant', async () => {
      const { code, verifier } = await freshCode();
      const other = await register([REDIRECT]);
      const response = await redeem(code, verifier, other);
      expect(response.response.status).toBe(400);
      expect(response.body.error).toBe('invalid_grant');
    });

    test('a code with another redirect URI is invalid_grant', async () => {
      const { code, verifier } = await freshCode();
      const response = await redeem(code, verifier, publicClient, OTHER_REDIRECT);
      expect(response.body.error).toBe('invalid_grant');
    });

    test('a wrong resource is invalid_target', async () => {
      const { code, verifier } = await freshCode();
      const response = await token({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_id: publicClient.client_id,
        resource: 'https://other.example/mcp',
      });
      expect(response.response.status).toBe(400);
      expect(response.body.error).toBe('invalid_target');
    });

    test('reusing a refresh token after its successor was used revokes the grant', async () => {
      const { code, verifier } = await freshCode();
      const issued = await redeem(code, verifier);
      const rt1 = issued.body.refresh_token!;
      const second = await refresh(rt1);
      expect(second.response.status).toBe(200);
      const third = await refresh(second.body.refresh_token!);
      expect(third.response.status).toBe(200);
      const reuse = await refresh(rt1);
      expect(reuse.response.status).toBe(400);
      expect(reuse.body.error).toBe('invalid_grant');
      expect((await refresh(third.body.refresh_token!)).body.error).toBe('invalid_grant');
    });

    test('only form bodies; unknown grant types; an unknown client is invalid_client', async () => {
      const json = await fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(json.status).toBe(400);
      expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
      expect((await token({ grant_type: 'password', client_id: publicClient.client_id })).body.error).toBe('unsupported_grant_type');
      const unknown = await token({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nobody' });
      expect(unknown.response.status).toBe(401);
      expect(unknown.body.error).toBe('invalid_client');
    });

    test('client authentication: a public client must not send a secret; a confidential one must send the right one', async () => {
      const { code, verifier } = await freshCode();
      const withSecret = await token({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_id: publicClient.client_id,
        client_secret: 'anything',
      });
      expect(withSecret.response.status).toBe(401);
      expect(withSecret.body.error).toBe('invalid_client');

      const confidential = await register([REDIRECT], 'client_secret_post');
      expect(confidential.client_secret).toEqual(expect.any(String));
      const issued = await freshCode(confidential);
      const basic = (secret: string) => ({ authorization: `Basic ${Buffer.from(`${confidential.client_id}:${secret}`).toString('base64')}` });
      const form = { grant_type: 'authorization_code', code: issued.code, code_verifier: issued.verifier, redirect_uri: REDIRECT };
      const noSecret = await token({ ...form, client_id: confidential.client_id });
      expect(noSecret.response.status).toBe(401);
      const wrongBasic = await token(form, basic('wrong'));
      expect(wrongBasic.response.status).toBe(401);
      expect(wrongBasic.response.headers.get('www-authenticate')).toMatch(/^Basic /);
      const post = await token({ ...form, client_id: confidential.client_id, client_secret: confidential.client_secret! });
      expect(post.response.status).toBe(200);
    });
  });
});
