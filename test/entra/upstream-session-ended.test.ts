import { lazyConfidentialClient } from '../../src/entra/msal-client.js';
import { createEntraUpstream, EntraSessionEndedError } from '../../src/entra/upstream.js';
import { LOCAL_PASSWORD, LOCAL_USERS } from '../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../src/local/entra/index.js';
import { InvalidTokenError } from '../../src/oauth/errors.js';
import { createPkcePair } from '../../src/oauth/pkce.js';
import { CLIENT, rejection, signInAndRedeem, startGrantsFixture, type GrantsFixture } from '../oauth/grants-fixture.js';
import { GATEWAY_CALLBACK, localConfig, signIn } from './helpers.js';

const ADELE = LOCAL_USERS[0];

describe('Entra will not renew the session: the grant ends, so the client re-authorizes', () => {
  let entra: EntraEmulator;
  let fx: GrantsFixture;
  let nowMs = Date.now();
  beforeAll(async () => {
    entra = await startEntraEmulator({ redirectUris: [GATEWAY_CALLBACK], now: () => nowMs });
    fx = await startGrantsFixture();
  });
  afterAll(async () => {
    await entra?.close();
    await fx?.close();
  });

  async function signedIn() {
    const config = localConfig(entra);
    const upstream = createEntraUpstream(lazyConfidentialClient(config), { baseUrl: config.baseUrl, apiScope: config.entra.apiScope });
    const pkce = await createPkcePair();
    const page = await signIn(await upstream.authorizationUrl({ state: 's', codeChallenge: pkce.codeChallenge }), ADELE.username, LOCAL_PASSWORD);
    const session = await upstream.redeemCode({ code: page.location!.searchParams.get('code')!, codeVerifier: pkce.codeVerifier });
    return { upstream, refreshToken: session.tokens.refreshToken! };
  }

  test('the Entra refresh after revoked sessions (AADSTS50173) or an expired refresh token (700082) is EntraSessionEndedError, an invalid_token', async () => {
    const revoked = await signedIn();
    nowMs += 1000;
    entra.revokeSignInSessions(ADELE.username);
    const err = await rejection(revoked.upstream.refresh(revoked.refreshToken));
    expect(err).toBeInstanceOf(EntraSessionEndedError);
    expect(err).toBeInstanceOf(InvalidTokenError);
    expect(err).toMatchObject({ aadsts: '50173' });
    expect(err.description).toContain('sign in again');

    nowMs += 1000;
    const expiring = await signedIn();
    nowMs += 91 * 24 * 3600 * 1000;
    expect(await rejection(expiring.upstream.refresh(expiring.refreshToken))).toMatchObject({ aadsts: '700082' });
  });

  test("the grant service ends the grant on it: the tool gets invalid_token and the client's refresh token stops working", async () => {
    const grants = fx.service({
      refreshUpstream: async () => {
        throw new EntraSessionEndedError('50076');
      },
    });
    // An Entra token one minute from expiry: the next use renews it.
    const { created, tokens } = await signInAndRedeem(grants, fx.clock, 60 * 1000);
    const access = await grants.authenticateAccessToken(tokens.access_token);
    expect(await rejection(grants.entraAccessToken(created.grant.id, access.grantKey))).toBeInstanceOf(InvalidTokenError);
    const refused = await rejection(grants.refresh(tokens.refresh_token!, { clientId: CLIENT }));
    expect(refused.errorCode).toBe('invalid_grant');
  });
});
