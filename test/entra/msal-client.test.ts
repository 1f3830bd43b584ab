import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConfidentialClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import { AuthorityError, fetchAuthorityMetadata } from '../../src/entra/authority.js';
import { authorityOnlyNetwork, createConfidentialClient } from '../../src/entra/msal-client.js';
import { GRAPH_APP_ID, LOCAL_GATEWAY_APP, LOCAL_USERS, LOCAL_PASSWORD } from '../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../src/local/entra/index.js';
import { GATEWAY_CALLBACK, localConfig, signIn } from './helpers.js';

const API_SCOPE = `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`;
const ADELE = LOCAL_USERS[0];

describe('MSAL confidential client (production factory) against the Entra emulator', () => {
  let entra: EntraEmulator;
  let cca: ConfidentialClientApplication;

  beforeAll(async () => {
    entra = await startEntraEmulator();
    cca = await createConfidentialClient(localConfig(entra));
  });
  afterAll(() => entra.close());

  async function codeFlow(): Promise<{ accessToken: string; refreshToken: string }> {
    const verifier = generateRandomCodeVerifier();
    const url = await cca.getAuthCodeUrl({
      scopes: [API_SCOPE],
      redirectUri: GATEWAY_CALLBACK,
      codeChallenge: await calculatePKCECodeChallenge(verifier),
      codeChallengeMethod: 'S256',
      state: 'st-1',
    });
    expect(new URL(url).origin).toBe(entra.url);
    const signedIn = await signIn(url, ADELE.username, LOCAL_PASSWORD);
    expect(signedIn.status).toBe(302);
    const callback = signedIn.location!;
    expect(`${callback.origin}${callback.pathname}`).toBe(GATEWAY_CALLBACK);
    expect(callback.searchParams.get('state')).toBe('st-1');
    // The gateway checks `state` itself (MSAL's payload check expects MSAL's own browser state format).
    const result = await cca.acquireTokenByCode({
      code: callback.searchParams.get('code')!,
      scopes: [API_SCOPE],
      redirectUri: GATEWAY_CALLBACK,
      codeVerifier: verifier,
    });
    // The gateway keeps Entra refresh tokens in its grant record; MSAL exposes them through its cache.
    const cache = JSON.parse(cca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
    const refreshToken = Object.values(cache.RefreshToken)[0]!.secret;
    return { accessToken: result.accessToken, refreshToken };
  }

  test('authorization code + PKCE: a v2 token for the gateway API with the user, roles and scope', async () => {
    const { accessToken } = await codeFlow();
    const claims = decodeJwt(accessToken);
    expect(claims).toMatchObject({
      aud: LOCAL_GATEWAY_APP.clientId,
      iss: entra.issuerV2,
      ver: '2.0',
      oid: ADELE.oid,
      tid: entra.tenantId,
      scp: LOCAL_GATEWAY_APP.apiScope,
      roles: ['MCP.User'],
      azp: LOCAL_GATEWAY_APP.clientId,
      azpacr: '1',
      preferred_username: ADELE.username,
    });
    expect(entra.counters.tokenRequests.authorization_code).toBeGreaterThanOrEqual(1);
  });

  test('refresh: acquireTokenByRefreshToken gets a new access token', async () => {
    const { accessToken, refreshToken } = await codeFlow();
    const refreshed = await cca.acquireTokenByRefreshToken({ refreshToken, scopes: [API_SCOPE], forceCache: false });
    expect(refreshed).not.toBeNull();
    expect(refreshed!.accessToken === accessToken).toBe(false);
    expect(decodeJwt(refreshed!.accessToken).oid).toBe(ADELE.oid);
  });

  test('on-behalf-of: a Graph User.Read token; a second call is served from MSAL cache (no new OBO request)', async () => {
    const { accessToken } = await codeFlow();
    const before = entra.counters.oboRequests;
    const obo = await cca.acquireTokenOnBehalfOf({ oboAssertion: accessToken, scopes: ['https://graph.microsoft.com/User.Read'] });
    const graph = decodeJwt(obo!.accessToken);
    expect(graph).toMatchObject({ aud: 'https://graph.microsoft.com', iss: entra.issuerV1, ver: '1.0', oid: ADELE.oid, appid: LOCAL_GATEWAY_APP.clientId });
    expect(String(graph.scp).split(' ')).toContain('User.Read');
    expect(entra.counters.oboRequests).toBe(before + 1);
    const again = await cca.acquireTokenOnBehalfOf({ oboAssertion: accessToken, scopes: ['https://graph.microsoft.com/User.Read'] });
    expect(again!.accessToken === obo!.accessToken).toBe(true);
    expect(entra.counters.oboRequests).toBe(before + 1);
  });

  test('client credentials: an app-only token for Graph', async () => {
    const result = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const claims = decodeJwt(result!.accessToken);
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', idtyp: 'app', appid: LOCAL_GATEWAY_APP.clientId, tid: entra.tenantId });
    expect(claims.scp).toBeUndefined();
    expect(entra.counters.tokenRequests.client_credentials).toBeGreaterThanOrEqual(1);
  });

  test('a wrong client secret surfaces AADSTS7000215 through MSAL', async () => {
    const bad = await createConfidentialClient(localConfig(entra, { ENTRA_CLIENT_SECRET: 'wrong-secret' }));
    await expect(bad.acquireTokenByClientCredential({ scopes: [`${GRAPH_APP_ID}/.default`] })).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('AADSTS7000215'),
    });
  });
});

describe('authority: only the configured host is ever contacted', () => {
  test('the network client refuses any other origin', async () => {
    const network = authorityOnlyNetwork('http://localhost:1', fetch);
    await expect(network.sendGetRequestAsync('https://login.microsoftonline.com/x')).rejects.toThrow(/only the Entra authority/);
  });

  test('a discovery document whose token endpoint is on another host is refused', async () => {
    const server = createServer((_req, res) => {
      const { port } = server.address() as AddressInfo;
      const base = `http://localhost:${port}/t`;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          issuer: `${base}/v2.0`,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: 'https://attacker.example/token',
          jwks_uri: `${base}/keys`,
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(fetchAuthorityMetadata(`http://localhost:${port}`, 't')).rejects.toBeInstanceOf(AuthorityError);
    } finally {
      server.close();
    }
  });
});
