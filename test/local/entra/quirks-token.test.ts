import { decodeJwt, decodeProtectedHeader } from 'jose';
import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import { LOCAL_GATEWAY_APP, LOCAL_PASSWORD, LOCAL_USERS } from '../../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../../src/local/entra/index.js';
import { authorizeUrl, GATEWAY_CALLBACK, signIn, tokenRequest } from '../../entra/helpers.js';

const GW = LOCAL_GATEWAY_APP.clientId;
const SECRET = LOCAL_GATEWAY_APP.clientSecret;
const GUID_SCOPE = `${GW}/${LOCAL_GATEWAY_APP.apiScope}`;
const URI_SCOPE = `${LOCAL_GATEWAY_APP.identifierUri}/${LOCAL_GATEWAY_APP.apiScope}`;
const V1_API = '55555555-5555-4555-8555-555555555555';
const SPA_APP = '88888888-8888-4888-8888-888888888888';
const SPA_REDIRECT = 'http://localhost:5173/';

function expectEntraError(r: { status: number; body: Record<string, unknown> }, status: number, error: string, code: number): void {
  expect(r.status).toBe(status);
  expect(r.body.error).toBe(error);
  expect(r.body.error_codes).toEqual([code]);
  expect(r.body.error_description).toMatch(
    new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
    ),
  );
  expect(r.body).toEqual(expect.objectContaining({ trace_id: expect.any(String), correlation_id: expect.any(String), timestamp: expect.any(String) }));
  expect(r.body.error_uri).toMatch(new RegExp(`/error\\?code=${code}$`));
}

describe('Entra quirks at the token endpoint (design section 1)', () => {
  let entra: EntraEmulator;
  let nowMs = Date.now();

  beforeAll(async () => {
    entra = await startEntraEmulator({
      now: () => nowMs,
      directory: {
        apps: [
          {
            appId: V1_API,
            displayName: 'Legacy API',
            identifierUris: [`api://${V1_API}`],
            exposedScopes: ['read'],
            preAuthorizedApplications: [{ appId: GW, scopes: ['read'] }],
          },
          {
            appId: SPA_APP,
            displayName: 'A SPA',
            spa: { redirectUris: [SPA_REDIRECT] },
            consentedPermissions: [{ resourceAppId: GW, scopes: ['access_as_user'] }],
          },
        ],
      },
    });
  });
  afterAll(() => entra.close());

  /** Signs Adele in and returns the code (authorize params may add PKCE etc.). */
  async function code(scope: string, extra: Record<string, string> = {}, clientId: string = GW, redirectUri: string = GATEWAY_CALLBACK): Promise<string> {
    const r = await signIn(
      authorizeUrl(entra, { client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope, ...extra }),
      LOCAL_USERS[0].username,
      LOCAL_PASSWORD,
    );
    const c = r.location?.searchParams.get('code');
    if (!c) throw new Error(`no code: ${r.location?.searchParams.get('error_description') ?? r.status}`);
    return c;
  }

  const redeem = (c: string, scope: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    tokenRequest(
      entra,
      { grant_type: 'authorization_code', client_id: GW, client_secret: SECRET, code: c, redirect_uri: GATEWAY_CALLBACK, scope, ...extra },
      headers,
    );

  test('rows 4 and 11: api:// scope for the app itself works at sign-in but its refresh fails with AADSTS90009; the GUID form refreshes', async () => {
    const viaUri = await redeem(await code(`${URI_SCOPE} offline_access`), URI_SCOPE);
    expect(viaUri.status).toBe(200);
    const refresh = await tokenRequest(entra, {
      grant_type: 'refresh_token',
      client_id: GW,
      client_secret: SECRET,
      refresh_token: viaUri.body.refresh_token as string,
      scope: URI_SCOPE,
    });
    expectEntraError(refresh, 400, 'invalid_request', 90009);

    const viaGuid = await redeem(await code(`${GUID_SCOPE} offline_access`), GUID_SCOPE);
    const ok = await tokenRequest(entra, {
      grant_type: 'refresh_token',
      client_id: GW,
      client_secret: SECRET,
      refresh_token: viaGuid.body.refresh_token as string,
      scope: GUID_SCOPE,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.refresh_token).toBeTruthy();
  });

  test("row 8: the issuer follows the resource app's requestedAccessTokenVersion", async () => {
    const v2 = await redeem(await code(GUID_SCOPE), GUID_SCOPE);
    expect(decodeJwt(v2.body.access_token as string)).toMatchObject({ iss: entra.issuerV2, ver: '2.0' });
    const v1 = await redeem(await code(`${V1_API}/read`), `${V1_API}/read`);
    expect(decodeJwt(v1.body.access_token as string)).toMatchObject({ iss: entra.issuerV1, ver: '1.0' });
  });

  test('row 9: v1 `aud` is the resource as requested (api:// or GUID); v2 `aud` is always the app id', async () => {
    const v1Uri = await redeem(await code(`api://${V1_API}/read`), `api://${V1_API}/read`);
    expect(decodeJwt(v1Uri.body.access_token as string).aud).toBe(`api://${V1_API}`);
    const v1Guid = await redeem(await code(`${V1_API}/read`), `${V1_API}/read`);
    expect(decodeJwt(v1Guid.body.access_token as string).aud).toBe(V1_API);
    const v2Uri = await redeem(await code(URI_SCOPE), URI_SCOPE);
    expect(decodeJwt(v2Uri.body.access_token as string).aud).toBe(GW);
  });

  test('row 10: a token request with scopes of two resources → AADSTS28000', async () => {
    const both = `${GUID_SCOPE} https://graph.microsoft.com/User.Read`;
    expectEntraError(await redeem(await code(both), both), 400, 'invalid_scope', 28000);
  });

  test('row 6: a SPA code redeemed without PKCE → AADSTS9002325; a web code redeemed cross-origin → AADSTS9002326', async () => {
    const spaCode = await code(GUID_SCOPE, {}, SPA_APP, SPA_REDIRECT);
    const spa = await tokenRequest(
      entra,
      { grant_type: 'authorization_code', client_id: SPA_APP, code: spaCode, redirect_uri: SPA_REDIRECT, scope: GUID_SCOPE },
      { origin: 'http://localhost:5173' },
    );
    expectEntraError(spa, 400, 'invalid_request', 9002325);
    const web = await redeem(await code(GUID_SCOPE), GUID_SCOPE, {}, { origin: 'http://localhost:6274' });
    expectEntraError(web, 400, 'invalid_request', 9002326);
  });

  test('a SPA code with PKCE, redeemed cross-origin without a secret, works', async () => {
    const verifier = generateRandomCodeVerifier();
    const c = await code(GUID_SCOPE, { code_challenge: await calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }, SPA_APP, SPA_REDIRECT);
    const r = await tokenRequest(
      entra,
      { grant_type: 'authorization_code', client_id: SPA_APP, code: c, redirect_uri: SPA_REDIRECT, scope: GUID_SCOPE, code_verifier: verifier },
      { origin: 'http://localhost:5173' },
    );
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.access_token as string)).toMatchObject({ azp: SPA_APP, azpacr: '0', aud: GW });
  });

  test('PKCE is checked when sent (AADSTS501481); a code is single-use (AADSTS54005); redirect_uri must match (AADSTS500112)', async () => {
    const verifier = generateRandomCodeVerifier();
    const pkce = { code_challenge: await calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
    expectEntraError(await redeem(await code(GUID_SCOPE, pkce), GUID_SCOPE, { code_verifier: generateRandomCodeVerifier() }), 400, 'invalid_grant', 501481);
    const c = await code(GUID_SCOPE, pkce);
    expect((await redeem(c, GUID_SCOPE, { code_verifier: verifier })).status).toBe(200);
    expectEntraError(await redeem(c, GUID_SCOPE, { code_verifier: verifier }), 400, 'invalid_grant', 54005);
    expectEntraError(await redeem(await code(GUID_SCOPE), GUID_SCOPE, { redirect_uri: 'http://localhost:7071/other' }), 400, 'invalid_grant', 500112);
  });

  test('an expired code → AADSTS70008 (clock moved past its 10 minutes)', async () => {
    const c = await code(GUID_SCOPE);
    nowMs += 11 * 60 * 1000;
    try {
      expectEntraError(await redeem(c, GUID_SCOPE), 400, 'invalid_grant', 70008);
    } finally {
      nowMs = Date.now();
    }
  });

  test('AADSTS70011: a scope that does not exist on the resource, at the token endpoint', async () => {
    const r = await redeem(await code(GUID_SCOPE), `${GW}/no_such_scope`);
    expectEntraError(r, 400, 'invalid_scope', 70011);
  });

  test('AADSTS7000215: a wrong client secret (post and basic)', async () => {
    const post = await tokenRequest(entra, { grant_type: 'client_credentials', client_id: GW, client_secret: 'wrong', scope: `${GW}/.default` });
    expectEntraError(post, 401, 'invalid_client', 7000215);
    const basic = await tokenRequest(
      entra,
      { grant_type: 'client_credentials', scope: `${GW}/.default` },
      { authorization: `Basic ${Buffer.from(`${GW}:wrong`).toString('base64')}` },
    );
    expectEntraError(basic, 401, 'invalid_client', 7000215);
  });

  test('AADSTS700016: an unknown client at the token endpoint', async () => {
    const r = await tokenRequest(entra, {
      grant_type: 'client_credentials',
      client_id: '77777777-7777-4777-8777-777777777777',
      client_secret: 'x',
      scope: `${GW}/.default`,
    });
    expectEntraError(r, 400, 'unauthorized_client', 700016);
  });

  test('client credentials need {resource}/.default (AADSTS1002012)', async () => {
    const r = await tokenRequest(entra, { grant_type: 'client_credentials', client_id: GW, client_secret: SECRET, scope: GUID_SCOPE });
    expectEntraError(r, 400, 'invalid_scope', 1002012);
  });

  test('AADSTS65001 on OBO: a Graph permission the gateway app holds no consent for', async () => {
    const user = await redeem(await code(GUID_SCOPE), GUID_SCOPE);
    const params = {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: GW,
      client_secret: SECRET,
      assertion: user.body.access_token as string,
    };
    const before = entra.counters.oboRequests;
    const r = await tokenRequest(entra, { ...params, scope: 'https://graph.microsoft.com/Mail.Read' });
    expectEntraError(r, 400, 'invalid_grant', 65001);
    expect(r.body.suberror).toBe('consent_required');
    const ok = await tokenRequest(entra, { ...params, scope: 'https://graph.microsoft.com/User.Read' });
    expect(ok.status).toBe(200);
    expect(entra.counters.oboRequests).toBe(before + 2);
  });

  test('OBO refuses an assertion whose audience is not the calling app (AADSTS500131)', async () => {
    const graphToken = (await redeem(await code('https://graph.microsoft.com/User.Read'), 'https://graph.microsoft.com/User.Read')).body.access_token as string;
    const r = await tokenRequest(entra, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: GW,
      client_secret: SECRET,
      assertion: graphToken,
      scope: 'https://graph.microsoft.com/User.Read',
    });
    expectEntraError(r, 400, 'invalid_grant', 500131);
  });

  test('row 3 at the token endpoint: `resource` is AADSTS9010010 unless it is an identifier URI of the requested app (its GUID is not)', async () => {
    const ok = await redeem(await code(GUID_SCOPE), GUID_SCOPE, { resource: LOCAL_GATEWAY_APP.identifierUri });
    expect(ok.status).toBe(200);
    expectEntraError(await redeem(await code(GUID_SCOPE), GUID_SCOPE, { resource: GW }), 400, 'invalid_target', 9010010);
    const t = await redeem(await code(`${GUID_SCOPE} offline_access`), GUID_SCOPE);
    const viaRefresh = await tokenRequest(entra, {
      grant_type: 'refresh_token',
      client_id: GW,
      client_secret: SECRET,
      refresh_token: t.body.refresh_token as string,
      scope: GUID_SCOPE,
      resource: 'https://graph.microsoft.com',
    });
    expectEntraError(viaRefresh, 400, 'invalid_target', 9010010);
  });

  test("row 11: a refresh without `scope` of the app's own grant is AADSTS90009 (even for the GUID form)", async () => {
    const t = await redeem(await code(`${GUID_SCOPE} offline_access`), GUID_SCOPE);
    const r = await tokenRequest(entra, { grant_type: 'refresh_token', client_id: GW, client_secret: SECRET, refresh_token: t.body.refresh_token as string });
    expectEntraError(r, 400, 'invalid_request', 90009);
  });

  test('v1 access tokens carry x5t in the header, equal to kid; v2 tokens do not; the JWKS lists x5t', async () => {
    const v1 = await redeem(await code(`${V1_API}/read`), `${V1_API}/read`);
    const header = decodeProtectedHeader(v1.body.access_token as string);
    expect(header.x5t).toBeDefined();
    expect(header.x5t).toBe(header.kid);
    const v2 = await redeem(await code(GUID_SCOPE), GUID_SCOPE);
    expect(decodeProtectedHeader(v2.body.access_token as string).x5t).toBeUndefined();
    const jwks = (await (await fetch(`${entra.url}/${entra.tenantId}/discovery/keys`)).json()) as { keys: { kid: string; x5t: string }[] };
    expect(jwks.keys.every((k) => k.x5t === k.kid)).toBe(true);
  });
});
