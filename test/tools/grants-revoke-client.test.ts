import type { GrantService } from '../../src/oauth/grants.js';
import { createPkcePair } from '../../src/oauth/pkce.js';
import { CLIENT, REDIRECT, USER, rejection, signInAndRedeem, startGrantsFixture, type GrantsFixture } from '../oauth/grants-fixture.js';

describe('grant service: revoking every grant of a client (admin tool)', () => {
  let fx: GrantsFixture;
  let grants: GrantService;

  beforeAll(async () => {
    fx = await startGrantsFixture();
    grants = fx.service();
  });
  afterAll(() => fx.close());

  async function grantOf(clientId: string) {
    const pkce = await createPkcePair();
    const created = await grants.createGrant({
      user: USER,
      clientId,
      scopes: ['mcp:tools'],
      resource: 'http://localhost:7071/mcp',
      entra: { accessToken: `entra-at-${clientId}`, expiresOn: fx.clock.nowMs + 3600_000, refreshToken: 'entra-rt' },
    });
    const code = await grants.issueCode(created, { redirectUri: REDIRECT, codeChallenge: pkce.codeChallenge });
    return grants.redeemCode(code, { clientId, redirectUri: REDIRECT, codeVerifier: pkce.codeVerifier });
  }

  test("every live session of the client ends, on this instance and (after its cache) on another; other clients' do not", async () => {
    const other = fx.service(); // a second instance with its own grant cache
    const first = await signInAndRedeem(grants, fx.clock);
    const second = await signInAndRedeem(grants, fx.clock);
    const bystander = await grantOf('client-2');
    await other.authenticateAccessToken(first.tokens.access_token); // cached there

    expect(await grants.revokeClientGrants(CLIENT, 'client revoked by an administrator')).toBeGreaterThanOrEqual(2);

    for (const { tokens } of [first, second]) {
      expect((await rejection(grants.authenticateAccessToken(tokens.access_token))).errorCode).toBe('invalid_token');
      expect((await rejection(grants.refresh(tokens.refresh_token, { clientId: CLIENT }))).errorCode).toBe('invalid_grant');
    }
    fx.clock.advance(31_000); // past the other instance's cache freshness
    expect((await rejection(other.authenticateAccessToken(first.tokens.access_token))).errorCode).toBe('invalid_token');
    await expect(grants.authenticateAccessToken(bystander.access_token)).resolves.toMatchObject({ grant: { clientId: 'client-2' } });
  });

  test('a client with no live grant revokes nothing, and revoking twice finds nothing the second time', async () => {
    await grantOf('client-3');
    expect(await grants.revokeClientGrants('client-3', 'test')).toBe(1);
    expect(await grants.revokeClientGrants('client-3', 'test')).toBe(0);
    expect(await grants.revokeClientGrants('no-such-client', 'test')).toBe(0);
  });
});
