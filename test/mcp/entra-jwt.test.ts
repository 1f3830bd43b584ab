import { decodeJwt, exportSPKI, importJWK, SignJWT, UnsecuredJWT, type CryptoKey, type JWK } from 'jose';
import { createEntraTokenValidator, type EntraTokenValidatorOptions } from '../../src/entra/jwt.js';
import { LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../src/local/entra/index.js';
import { entraAccessToken, registerV1Api, V1_API_APP } from './entra-tokens.js';

let entra: EntraEmulator;
beforeAll(async () => {
  entra = await startEntraEmulator({ port: 0 });
  registerV1Api(entra);
});
afterAll(async () => entra?.close());

function validator(overrides: Partial<EntraTokenValidatorOptions> = {}) {
  return createEntraTokenValidator({
    authorityHost: entra.authorityHost,
    tenantId: entra.tenantId,
    allowedTenants: [entra.tenantId],
    apiClientId: LOCAL_GATEWAY_APP.clientId,
    apiScopeName: LOCAL_GATEWAY_APP.apiScope,
    ...overrides,
  });
}

const adele = LOCAL_USERS[0];

describe('entra jwt: direct Entra access tokens for the gateway API', () => {
  test('a v2 token for the API (aud = app id, v2 issuer) is accepted with the user it names', async () => {
    const token = await entraAccessToken(entra, `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`);
    expect(decodeJwt(token).iss).toBe(entra.issuerV2);
    const claims = await validator().validate(token);
    expect(claims).toMatchObject({ oid: adele.oid, tid: entra.tenantId, aud: LOCAL_GATEWAY_APP.clientId, username: adele.username });
    expect(claims.roles).toEqual(['MCP.User']);
  });

  test('a v1 token (sts-style issuer on another host, aud = api://…) is accepted: issuers come from discovery', async () => {
    const token = await entraAccessToken(entra, `${V1_API_APP.identifierUri}/${V1_API_APP.scope}`);
    const raw = decodeJwt(token);
    expect(raw.iss).toBe(entra.issuerV1);
    expect(raw.aud).toBe(V1_API_APP.identifierUri);
    const claims = await validator({ apiClientId: V1_API_APP.appId, apiScopeName: V1_API_APP.scope }).validate(token);
    expect(claims.oid).toBe(adele.oid);
  });

  test('a validated token is remembered only until its exp plus the 5-minute tolerance', async () => {
    const token = await entraAccessToken(entra, `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`);
    const exp = decodeJwt(token).exp!;
    let nowMs = Date.now();
    const v = validator({ now: () => nowMs });
    await v.validate(token); // remembered
    nowMs = (exp + 299) * 1000;
    expect((await v.validate(token)).oid).toBe(adele.oid);
    nowMs = (exp + 300) * 1000;
    await expect(v.validate(token)).rejects.toMatchObject({ errorCode: 'invalid_token', description: expect.stringMatching(/expired/) });
  });

  test('a Graph token (another audience) is refused', async () => {
    const token = await entraAccessToken(entra, 'https://graph.microsoft.com/User.Read');
    await expect(validator().validate(token)).rejects.toMatchObject({ errorCode: 'invalid_token' });
  });

  test('a token from a tenant that is not allowed is refused', async () => {
    const token = await entraAccessToken(entra, `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`);
    const other = validator({ allowedTenants: ['99999999-9999-4999-8999-999999999999'] });
    await expect(other.validate(token)).rejects.toMatchObject({ errorCode: 'invalid_token' });
  });

  test('alg none and HS256 signed with the public key are refused, with the claims of a valid token', async () => {
    const token = await entraAccessToken(entra, `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`);
    const claims = decodeJwt(token);
    const v = validator();
    await expect(v.validate(new UnsecuredJWT(claims).encode())).rejects.toMatchObject({ errorCode: 'invalid_token' });

    const jwks = (await (await fetch(`${entra.url}/${entra.tenantId}/discovery/v2.0/keys`)).json()) as { keys: JWK[] };
    const jwk = jwks.keys[0]!;
    const pem = await exportSPKI((await importJWK(jwk, 'RS256')) as CryptoKey);
    for (const secret of [pem, JSON.stringify(jwk)]) {
      const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: jwk.kid, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
      await expect(v.validate(forged)).rejects.toMatchObject({ errorCode: 'invalid_token' });
    }
  });

  test('a token without the API scope in scp is refused', async () => {
    const token = await entraAccessToken(entra, `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`);
    await expect(validator({ apiScopeName: 'something_else' }).validate(token)).rejects.toMatchObject({ errorCode: 'invalid_token' });
  });

  test('a rotated signing key (unknown kid) is found by refetching the key set, at a bounded rate', async () => {
    const scope = `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`;
    const eager = validator({ jwksCooldownMs: 0 });
    const limited = validator(); // default cooldown: one key-set fetch per 30 s at most
    const before = await entraAccessToken(entra, scope);
    await eager.validate(before);
    await limited.validate(before);
    await entra.rotateSigningKey();
    const rotated = await entraAccessToken(entra, scope);
    await expect(eager.validate(rotated)).resolves.toMatchObject({ oid: adele.oid });
    // Within the cooldown an unknown kid does not trigger another fetch: refused, not fetched again.
    await expect(limited.validate(rotated)).rejects.toMatchObject({ errorCode: 'invalid_token' });
  });
});
