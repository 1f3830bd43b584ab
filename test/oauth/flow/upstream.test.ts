import { explainMsalError } from '../../../src/entra/aadsts.js';
import { lazyConfidentialClient } from '../../../src/entra/msal-client.js';
import { createEntraUpstream } from '../../../src/entra/upstream.js';
import { LOCAL_PASSWORD, LOCAL_USERS } from '../../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../../src/local/entra/index.js';
import { createPkcePair } from '../../../src/oauth/pkce.js';
import { GATEWAY_CALLBACK, localConfig, signIn } from '../../entra/helpers.js';

/** The gateway's Entra leg through the production MSAL client against the Entra emulator. */
describe('Entra upstream (MSAL, confidential client)', () => {
  let entra: EntraEmulator;
  beforeAll(async () => {
    entra = await startEntraEmulator({ redirectUris: [GATEWAY_CALLBACK] });
  });
  afterAll(async () => {
    await entra?.close();
  });

  function upstreamFor(env: Record<string, string> = {}) {
    const config = localConfig(entra, env);
    const msal = lazyConfidentialClient(config);
    return { config, msal, upstream: createEntraUpstream(msal, { baseUrl: config.baseUrl, apiScope: config.entra.apiScope }) };
  }

  async function entraCode(url: string) {
    const result = await signIn(url, LOCAL_USERS[0].username, LOCAL_PASSWORD);
    expect(result.status).toBe(302);
    return result.location!.searchParams.get('code')!;
  }

  test('the authorize URL asks only for the API scope (GUID form) and OIDC scopes, never resource', async () => {
    const { config, upstream } = upstreamFor();
    const pkce = await createPkcePair();
    const url = new URL(await upstream.authorizationUrl({ state: 'state-1', codeChallenge: pkce.codeChallenge }));
    expect(url.origin).toBe(entra.url);
    expect(url.searchParams.get('scope')!.split(' ').sort()).toEqual([config.entra.apiScope, 'offline_access', 'openid', 'profile'].sort());
    expect(config.entra.apiScope).toMatch(/^[0-9a-f-]{36}\/access_as_user$/);
    expect(url.searchParams.has('resource')).toBe(false);
    expect(url.searchParams.get('prompt')).toBe('select_account');
    expect(url.searchParams.get('redirect_uri')).toBe(`${config.baseUrl}/callback`);
    expect(url.searchParams.get('code_challenge')).toBe(pkce.codeChallenge);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe('state-1');
  });

  test('redeemCode returns the user and the refresh token MSAL hides in its cache; refresh renews; the cache keeps no user', async () => {
    const { msal, upstream } = upstreamFor();
    const pkce = await createPkcePair();
    const code = await entraCode(await upstream.authorizationUrl({ state: 's', codeChallenge: pkce.codeChallenge }));
    const signedIn = await upstream.redeemCode({ code, codeVerifier: pkce.codeVerifier });
    expect(signedIn.user).toMatchObject({ oid: LOCAL_USERS[0].oid, tid: entra.tenantId, username: LOCAL_USERS[0].username, roles: ['MCP.User'] });
    expect(signedIn.tokens.refreshToken).toEqual(expect.any(String));
    expect(signedIn.tokens.expiresOn).toBeGreaterThan(Date.now());
    expect(await (await msal()).getTokenCache().getAllAccounts()).toEqual([]);

    const renewed = await upstream.refresh(signedIn.tokens.refreshToken!);
    expect(renewed.accessToken).not.toBe(signedIn.tokens.accessToken);
    expect(renewed.refreshToken).toEqual(expect.any(String));
    expect(renewed.refreshToken).not.toBe(signedIn.tokens.refreshToken);
    expect(await (await msal()).getTokenCache().getAllAccounts()).toEqual([]);
  });

  test('a wrong client secret is explained as AADSTS7000215 with the setting to fix', async () => {
    const { upstream } = upstreamFor({ ENTRA_CLIENT_SECRET: 'wrong-secret' });
    const pkce = await createPkcePair();
    const code = await entraCode(await upstream.authorizationUrl({ state: 's', codeChallenge: pkce.codeChallenge }));
    const failure = await upstream.redeemCode({ code, codeVerifier: pkce.codeVerifier }).then(
      () => undefined,
      (err: unknown) => err,
    );
    const explained = explainMsalError(failure, GATEWAY_CALLBACK);
    expect(explained.code).toBe('7000215');
    expect(explained.error).toBe('server_error');
    expect(explained.fix).toContain('ENTRA_CLIENT_SECRET');
    expect(explained.description).not.toContain('wrong-secret');
  });
});
