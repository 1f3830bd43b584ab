// Attack: replaying someone else's already-redeemed authorization code, with the attacker's own client.
import { InvalidGrantError, InvalidTokenError } from '../../src/oauth/errors.js';
import { CLIENT, REDIRECT, rejection, signInAndRedeem, useGrantsFixture } from '../oauth/grants-fixture.js';

describe('attack: code replay by another client', () => {
  const state = useGrantsFixture();

  test("another client presenting the victim's used code is refused and does not revoke the victim's grant", async () => {
    const { fx, grants } = state;
    const { code, codeVerifier, tokens } = await signInAndRedeem(grants, fx.clock);
    const err = await rejection(grants.redeemCode(code, { clientId: 'attacker-client', redirectUri: REDIRECT, codeVerifier }));
    expect(err).toBeInstanceOf(InvalidGrantError);
    expect(err.description).toMatch(/another client/);
    await expect(grants.authenticateAccessToken(tokens.access_token)).resolves.toMatchObject({ claims: { client_id: CLIENT } });
    await expect(grants.refresh(tokens.refresh_token, { clientId: CLIENT })).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  test("a replay by the code's own client still revokes the grant", async () => {
    const { fx, grants } = state;
    const { code, codeVerifier, tokens } = await signInAndRedeem(grants, fx.clock);
    await rejection(grants.redeemCode(code, { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier }));
    expect(await rejection(grants.authenticateAccessToken(tokens.access_token))).toBeInstanceOf(InvalidTokenError);
  });
});
