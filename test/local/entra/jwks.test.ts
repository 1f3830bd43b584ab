import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { LOCAL_GATEWAY_APP, LOCAL_PASSWORD, LOCAL_USERS } from '../../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../../src/local/entra/index.js';
import { authorizeUrl, GATEWAY_CALLBACK, signIn, tokenRequest } from '../../entra/helpers.js';

const V1_API = '55555555-5555-4555-8555-555555555555';

/** A user token for `scope`, by the plain protocol (authorize form + code redemption with the secret). */
async function userToken(entra: EntraEmulator, scope: string): Promise<string> {
  const signedIn = await signIn(
    authorizeUrl(entra, { client_id: LOCAL_GATEWAY_APP.clientId, redirect_uri: GATEWAY_CALLBACK, response_type: 'code', scope }),
    LOCAL_USERS[0].username,
    LOCAL_PASSWORD,
  );
  const code = signedIn.location!.searchParams.get('code')!;
  const { body } = await tokenRequest(entra, {
    grant_type: 'authorization_code',
    client_id: LOCAL_GATEWAY_APP.clientId,
    client_secret: LOCAL_GATEWAY_APP.clientSecret,
    code,
    redirect_uri: GATEWAY_CALLBACK,
    scope,
  });
  return body.access_token as string;
}

async function discover(url: string): Promise<{ issuer: string; jwks_uri: string }> {
  return (await (await fetch(url)).json()) as { issuer: string; jwks_uri: string };
}

describe('Entra emulator tokens validate with jose through discovery', () => {
  let entra: EntraEmulator;

  beforeAll(async () => {
    entra = await startEntraEmulator({
      directory: {
        apps: [
          {
            appId: V1_API,
            displayName: 'Legacy API (v1 tokens)',
            identifierUris: [`api://${V1_API}`],
            exposedScopes: ['read'],
            // requestedAccessTokenVersion unset: Entra's default is 1.
            preAuthorizedApplications: [{ appId: LOCAL_GATEWAY_APP.clientId, scopes: ['read'] }],
          },
        ],
      },
    });
  });
  afterAll(() => entra.close());

  test('v2 app: issuer and JWKS from /{tenant}/v2.0/.well-known/openid-configuration', async () => {
    const meta = await discover(`${entra.url}/${entra.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(meta.issuer).toBe(`${entra.url}/${entra.tenantId}/v2.0`);
    const token = await userToken(entra, `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`);
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(meta.jwks_uri)), {
      issuer: meta.issuer,
      audience: LOCAL_GATEWAY_APP.clientId,
      algorithms: ['RS256'],
    });
    expect(protectedHeader.kid).toBeDefined();
    expect(payload.ver).toBe('2.0');
  });

  test('v1 app: the v1 issuer comes from the v1 discovery document, on a different host than the authority', async () => {
    const meta = await discover(`${entra.url}/${entra.tenantId}/.well-known/openid-configuration`);
    expect(meta.issuer).toBe(entra.issuerV1);
    expect(new URL(meta.issuer).host).not.toBe(new URL(entra.url).host);
    const token = await userToken(entra, `api://${V1_API}/read`);
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(meta.jwks_uri)), { issuer: meta.issuer, audience: `api://${V1_API}` });
    expect(payload).toMatchObject({ ver: '1.0', appid: LOCAL_GATEWAY_APP.clientId, scp: 'read', upn: LOCAL_USERS[0].username });
  });

  test('key rotation: new tokens carry a new kid, the old key stays published', async () => {
    const scope = `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`;
    const before = await userToken(entra, scope);
    await entra.rotateSigningKey();
    const after = await userToken(entra, scope);
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    const jwks = createRemoteJWKSet(new URL(`${entra.url}/${entra.tenantId}/discovery/v2.0/keys`));
    await expect(jwtVerify(before, jwks, { issuer: entra.issuerV2 })).resolves.toBeDefined();
    await expect(jwtVerify(after, jwks, { issuer: entra.issuerV2 })).resolves.toBeDefined();
  });

  test('the v1 keys route publishes the same keys', async () => {
    const v1 = (await (await fetch(`${entra.url}/${entra.tenantId}/discovery/keys`)).json()) as { keys: { kid: string }[] };
    const v2 = (await (await fetch(`${entra.url}/${entra.tenantId}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] };
    expect(v1.keys.map((k) => k.kid)).toEqual(v2.keys.map((k) => k.kid));
  });
});
