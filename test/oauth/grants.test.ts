import { InvalidGrantError, InvalidScopeError, InvalidTokenError } from '../../src/oauth/errors.js';
import type { GrantService } from '../../src/oauth/grants.js';
import { createCosmosGrantStore, type GrantStore } from '../../src/store/grants.js';
import { CLIENT, REDIRECT, rejection, signIn, signInAndRedeem, startGrantsFixture, USER, type GrantsFixture } from './grants-fixture.js';

describe('grant service: codes, refresh, revoke', () => {
  let fx: GrantsFixture;
  let grants: GrantService;

  beforeAll(async () => {
    fx = await startGrantsFixture();
    grants = fx.service();
  });
  afterAll(() => fx.close());

  async function usable(service: GrantService, tokens: { access_token: string }): Promise<boolean> {
    return service.authenticateAccessToken(tokens.access_token).then(
      () => true,
      () => false,
    );
  }

  describe('authorization code', () => {
    test('redeem answers a bearer token response whose access token authenticates', async () => {
      const { tokens, created } = await signInAndRedeem(grants, fx.clock);
      expect(tokens).toEqual({
        access_token: expect.any(String),
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        scope: 'mcp:tools openid',
      });
      const access = await grants.authenticateAccessToken(tokens.access_token);
      expect(access.grant.id).toBe(created.grant.id);
      expect(access.claims).toMatchObject({ sub: access.grant.user.oid, client_id: CLIENT, sid: created.grant.id });
    });

    test('a replayed code fails and revokes what the first redeem issued', async () => {
      const { code, codeVerifier, tokens } = await signInAndRedeem(grants, fx.clock);
      const err = await rejection(grants.redeemCode(code, { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier }));
      expect(err).toBeInstanceOf(InvalidGrantError);
      expect(err.description).toMatch(/already used.*revoked/);
      expect(await usable(grants, tokens)).toBe(false);
      expect(await usable(fx.service(), tokens)).toBe(false);
      expect(await rejection(grants.refresh(tokens.refresh_token, { clientId: CLIENT }))).toBeInstanceOf(InvalidGrantError);
    });

    test('two concurrent redeems of one code never both succeed, and the grant ends revoked', async () => {
      const { code, codeVerifier } = await signIn(grants, fx.clock);
      const params = { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier };
      const results = await Promise.allSettled([grants.redeemCode(code, params), grants.redeemCode(code, params)]);
      expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThanOrEqual(1);
      for (const r of results) if (r.status === 'fulfilled') expect(await usable(fx.service(), r.value)).toBe(false);
    });

    test.each([
      ['client', { clientId: 'client-2' }, /another client/],
      ['redirect URI', { redirectUri: 'http://127.0.0.1:33418/other' }, /redirect_uri/],
      ['resource', { resource: 'https://elsewhere.example/mcp' }, /resource/],
      ['verifier', { codeVerifier: 'a'.repeat(64) }, /code_verifier/],
    ])('a code is bound to its %s; a mismatch is invalid_grant and does not use the code up', async (_name, change, message) => {
      const { code, codeVerifier } = await signIn(grants, fx.clock);
      const right = { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier, resource: 'http://localhost:7071/mcp' };
      const err = await rejection(grants.redeemCode(code, { ...right, ...change }));
      expect(err).toBeInstanceOf(InvalidGrantError);
      expect(err.description).toMatch(message);
      await expect(grants.redeemCode(code, right)).resolves.toMatchObject({ token_type: 'Bearer' });
    });

    test('an expired code is refused', async () => {
      const { code, codeVerifier } = await signIn(grants, fx.clock);
      fx.clock.advance(5 * 60 * 1000);
      const err = await rejection(grants.redeemCode(code, { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier }));
      expect(err).toBeInstanceOf(InvalidGrantError);
      expect(err.description).toMatch(/expired/);
    });

    test('an unknown or malformed code is refused', async () => {
      const params = { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier: 'a'.repeat(43) };
      expect((await rejection(grants.redeemCode('A'.repeat(43), params))).description).toMatch(/unknown/);
      expect((await rejection(grants.redeemCode('not a code', params))).description).toMatch(/malformed/);
    });

    test('a code is never issued for a malformed code_challenge', async () => {
      const created = await grants.createGrant({
        user: USER,
        clientId: CLIENT,
        scopes: ['mcp:tools'],
        resource: 'http://localhost:7071/mcp',
        entra: { accessToken: 'entra-at-pkce-secret', expiresOn: fx.clock.nowMs + 3600_000 },
      });
      for (const codeChallenge of ['', 'a'.repeat(42), 'a'.repeat(44), `${'a'.repeat(42)}+`]) {
        const err = await rejection(grants.issueCode(created, { redirectUri: REDIRECT, codeChallenge }));
        expect({ codeChallenge, errorCode: err.errorCode }).toEqual({ codeChallenge, errorCode: 'invalid_request' });
      }
    });
  });

  describe('refresh token', () => {
    test('rotates on every use: a new refresh token and a working access token', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      const next = await grants.refresh(tokens.refresh_token, { clientId: CLIENT });
      expect(next.refresh_token).not.toBe(tokens.refresh_token);
      expect(next.access_token).not.toBe(tokens.access_token);
      expect(await usable(grants, next)).toBe(true);
      await expect(grants.refresh(next.refresh_token, { clientId: CLIENT })).resolves.toBeDefined();
    });

    test('the previous token answers the same pair while its successor is unused (a lost response can be retried)', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      const lost = await grants.refresh(tokens.refresh_token, { clientId: CLIENT }); // response "lost"
      const retried = await grants.refresh(tokens.refresh_token, { clientId: CLIENT });
      expect(retried.refresh_token).toBe(lost.refresh_token);
      await expect(grants.refresh(retried.refresh_token, { clientId: CLIENT })).resolves.toBeDefined();
    });

    test('once the successor is used, reusing the old token revokes the whole grant', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      const second = await grants.refresh(tokens.refresh_token, { clientId: CLIENT });
      const third = await grants.refresh(second.refresh_token, { clientId: CLIENT });
      const err = await rejection(grants.refresh(tokens.refresh_token, { clientId: CLIENT }));
      expect(err).toBeInstanceOf(InvalidGrantError);
      expect(err.description).toMatch(/revoked/);
      expect(await rejection(grants.refresh(third.refresh_token, { clientId: CLIENT }))).toBeInstanceOf(InvalidGrantError);
      expect(await usable(grants, third)).toBe(false);
      expect(await usable(grants, tokens)).toBe(false);
    });

    test('concurrent refreshes with one token (Promise.all) both answer the same new pair: one chain', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      const results = await Promise.all([
        grants.refresh(tokens.refresh_token, { clientId: CLIENT }),
        grants.refresh(tokens.refresh_token, { clientId: CLIENT }),
      ]);
      expect(results[1]).toEqual(results[0]);
      await expect(grants.refresh(results[0].refresh_token, { clientId: CLIENT })).resolves.toBeDefined();
    });

    test('when both reads happen before either write, one refresh writes and the loser answers its pair', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      const racing = fx.service({ grants: barrierOnReplace(createCosmosGrantStore(fx.harness.containers.grants), 2) });
      const [a, b] = await Promise.all([
        racing.refresh(tokens.refresh_token, { clientId: CLIENT }),
        racing.refresh(tokens.refresh_token, { clientId: CLIENT }),
      ]);
      expect(b.refresh_token).toBe(a.refresh_token);
      expect(b.access_token).toBe(a.access_token);
      await expect(grants.refresh(a.refresh_token, { clientId: CLIENT })).resolves.toBeDefined();
    });

    test('a retry after the grace window is reuse: the grant is revoked', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      const next = await grants.refresh(tokens.refresh_token, { clientId: CLIENT });
      fx.clock.advance(60_001);
      expect((await rejection(grants.refresh(tokens.refresh_token, { clientId: CLIENT }))).description).toMatch(/revoked/);
      expect(await usable(grants, next)).toBe(false);
    });

    test('bound to its client; scope may narrow, never widen', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      expect((await rejection(grants.refresh(tokens.refresh_token, { clientId: 'client-2' }))).description).toMatch(/another client/);
      const narrowed = await grants.refresh(tokens.refresh_token, { clientId: CLIENT, scope: 'mcp:tools' });
      expect(narrowed.scope).toBe('mcp:tools');
      expect((await grants.authenticateAccessToken(narrowed.access_token)).claims.scope).toBe('mcp:tools');
      const err = await rejection(grants.refresh(narrowed.refresh_token, { clientId: CLIENT, scope: 'mcp:tools mcp:admin' }));
      expect(err).toBeInstanceOf(InvalidScopeError);
    });

    test('a grant idle past the refresh lifetime ends', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      fx.clock.advance(fx.harness.config.tokens.refreshTokenTtlSeconds * 1000);
      expect(await rejection(grants.refresh(tokens.refresh_token, { clientId: CLIENT }))).toBeInstanceOf(InvalidGrantError);
    });
  });

  describe('revoke', () => {
    test.each(['refresh_token', 'access_token'] as const)('revoking the %s ends every token of the grant', async (which) => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      await grants.revoke(tokens[which], { clientId: CLIENT });
      expect(await rejection(grants.authenticateAccessToken(tokens.access_token))).toBeInstanceOf(InvalidTokenError);
      expect(await rejection(grants.refresh(tokens.refresh_token, { clientId: CLIENT }))).toBeInstanceOf(InvalidGrantError);
    });

    test('a token already authenticated (and remembered) is refused at once after its grant is revoked', async () => {
      const { tokens, created } = await signInAndRedeem(grants, fx.clock);
      const access = await grants.authenticateAccessToken(tokens.access_token);
      await grants.entraAccessToken(created.grant.id, access.grantKey); // the Entra token is remembered too
      await grants.revokeGrant(created.grant.id, 'test');
      expect(await rejection(grants.authenticateAccessToken(tokens.access_token))).toBeInstanceOf(InvalidTokenError);
      expect(await rejection(grants.entraAccessToken(created.grant.id, access.grantKey))).toBeInstanceOf(InvalidTokenError);
    });

    test('a remembered Entra token is not handed to a caller with another key', async () => {
      const { tokens, created } = await signInAndRedeem(grants, fx.clock);
      const access = await grants.authenticateAccessToken(tokens.access_token);
      await grants.entraAccessToken(created.grant.id, access.grantKey);
      const wrong = new Uint8Array(access.grantKey).map((b) => b ^ 1);
      expect(await rejection(grants.entraAccessToken(created.grant.id, wrong))).toBeInstanceOf(InvalidTokenError);
    });

    test("another client's token, an unknown or a malformed token is ignored", async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock);
      await grants.revoke(tokens.refresh_token, { clientId: 'client-2' });
      await grants.revoke('A'.repeat(43));
      await grants.revoke('a.b.c.d.e');
      await grants.revoke('');
      expect(await usable(grants, tokens)).toBe(true);
    });
  });
});

/** A real grant store whose `replace` waits until `parties` writes are pending: forces the race. */
function barrierOnReplace(store: GrantStore, parties: number): GrantStore {
  let waiting: (() => void)[] = [];
  return {
    ...store,
    replace: async (grant, etag, nowMs) => {
      if (waiting.length + 1 < parties) await new Promise<void>((resolve) => waiting.push(resolve));
      else {
        waiting.forEach((release) => release());
        waiting = [];
      }
      return store.replace(grant, etag, nowMs);
    },
  };
}
