import { DecryptionError } from '../../src/crypto/aead.js';
import { openUnderSecret, unwrapDataKey } from '../../src/crypto/key-wrap.js';
import { InvalidTokenError } from '../../src/oauth/errors.js';
import type { GrantService } from '../../src/oauth/grants.js';
import { createAccessTokenCodec } from '../../src/oauth/tokens/access-token.js';
import { openEntraTokens } from '../../src/oauth/tokens/entra-session.js';
import type { GrantRecord } from '../../src/store/grants.js';
import { createPkcePair } from '../../src/oauth/pkce.js';
import { CLIENT, REDIRECT, USER, rejection, signInAndRedeem, startGrantsFixture, type GrantsFixture } from './grants-fixture.js';

describe('grant service: sessions, Entra tokens at rest and their renewal', () => {
  let fx: GrantsFixture;
  let grants: GrantService;

  beforeAll(async () => {
    fx = await startGrantsFixture();
    grants = fx.service();
  });
  afterAll(() => fx.close());

  async function rawGrant(id: string): Promise<GrantRecord & Record<string, unknown>> {
    const { resource } = await fx.harness.containers.grants.item(id, id).read<GrantRecord & Record<string, unknown>>();
    if (!resource) throw new Error('grant document missing');
    return resource;
  }

  /** Every string in a document, at any depth. */
  function stringsOf(value: unknown): string[] {
    if (typeof value === 'string') return [value];
    if (value && typeof value === 'object') return Object.values(value).flatMap(stringsOf);
    return [];
  }

  describe('encryption at rest', () => {
    test('no Cosmos document holds an Entra token, the data key or a bearer secret in clear', async () => {
      const { created, entra, tokens, code } = await signInAndRedeem(grants, fx.clock);
      const { grantKey } = await grants.authenticateAccessToken(tokens.access_token);
      const dump = JSON.stringify([
        await rawGrant(created.grant.id),
        (await fx.harness.containers.codes.items.readAll().fetchAll()).resources,
        (await fx.harness.containers.refreshTokens.items.readAll().fetchAll()).resources,
      ]);
      for (const secret of [entra.accessToken, entra.refreshToken, tokens.refresh_token, code, Buffer.from(grantKey).toString('base64url')]) {
        expect(dump).not.toContain(secret);
      }
    });

    test('after a rotation, the retired slot keeps its successor pair only sealed under the retired token', async () => {
      const { created, tokens } = await signInAndRedeem(grants, fx.clock);
      const next = await grants.refresh(tokens.refresh_token, { clientId: CLIENT });
      const doc = await rawGrant(created.grant.id);
      const dump = JSON.stringify(doc);
      for (const secret of [tokens.refresh_token, next.refresh_token, next.access_token]) expect(dump).not.toContain(secret);
      await expect(openUnderSecret(doc.refresh!.previous!.successor, next.refresh_token, 'refresh-successor')).rejects.toBeInstanceOf(DecryptionError);
      const opened = await openUnderSecret(doc.refresh!.previous!.successor, tokens.refresh_token, 'refresh-successor');
      expect(Buffer.from(opened).toString('utf8')).toContain(next.refresh_token);
    });

    test('the grant document alone, even with the server key ring, opens nothing', async () => {
      const { created } = await signInAndRedeem(grants, fx.clock);
      const doc = await rawGrant(created.grant.id);
      const candidates = [...stringsOf(doc), ...fx.harness.config.tokens.encryptionKeys.map((k) => Buffer.from(k.key).toString('base64url'))];
      for (const wrapped of [doc.refresh!.current.wrappedKey]) {
        for (const candidate of candidates) {
          await expect(unwrapDataKey(wrapped, candidate, 'refresh-token')).rejects.toBeInstanceOf(DecryptionError);
        }
      }
      for (const key of fx.harness.config.tokens.encryptionKeys) {
        await expect(openEntraTokens(doc.entra!, key.key)).rejects.toBeInstanceOf(DecryptionError);
      }
    });

    test('with the refresh token, or with the access token, the Entra tokens can be opened', async () => {
      const { created, entra, tokens } = await signInAndRedeem(grants, fx.clock);
      const doc = await rawGrant(created.grant.id);
      const viaRefresh = await unwrapDataKey(doc.refresh!.current.wrappedKey, tokens.refresh_token, 'refresh-token');
      expect(await openEntraTokens(doc.entra!, viaRefresh)).toEqual(entra);
      const { config } = fx.harness;
      const codec = createAccessTokenCodec({ keyRing: config.tokens.encryptionKeys, issuer: config.baseUrl, audience: config.mcpResource, ttlSeconds: 3600 });
      const { grantKey } = await codec.verify(tokens.access_token, fx.clock.nowMs);
      expect(await openEntraTokens(doc.entra!, grantKey)).toEqual(entra);
    });
  });

  describe('authenticateAccessToken', () => {
    test('gives the grant, the claims and the Entra access token (no renewal while fresh)', async () => {
      const { tokens, entra } = await signInAndRedeem(grants, fx.clock);
      const calls = fx.upstream.calls.length;
      const access = await grants.authenticateAccessToken(tokens.access_token);
      expect(access.grant).toMatchObject({ clientId: CLIENT, scopes: ['mcp:tools', 'openid'], user: { username: 'adele@contoso.test' } });
      expect(access.grant).not.toHaveProperty('entra');
      expect(await access.entraTokens()).toEqual({ accessToken: entra.accessToken, expiresOn: entra.expiresOn });
      expect(await grants.entraAccessToken(access.grant.id, access.grantKey)).toEqual({ accessToken: entra.accessToken, expiresOn: entra.expiresOn });
      expect(fx.upstream.calls.length).toBe(calls);
    });

    test("another grant's key does not open this grant", async () => {
      const a = await signInAndRedeem(grants, fx.clock);
      const b = await signInAndRedeem(grants, fx.clock);
      const { grantKey } = await grants.authenticateAccessToken(b.tokens.access_token);
      expect(await rejection(grants.entraAccessToken(a.created.grant.id, grantKey))).toBeInstanceOf(InvalidTokenError);
    });

    test('a revocation on another instance is seen within the 30 s cache window; on this instance at once', async () => {
      const instanceA = fx.service();
      const instanceB = fx.service();
      const { tokens } = await signInAndRedeem(instanceA, fx.clock);
      await instanceA.authenticateAccessToken(tokens.access_token); // cached on A
      await instanceB.revoke(tokens.refresh_token);
      expect(await rejection(instanceB.authenticateAccessToken(tokens.access_token))).toBeInstanceOf(InvalidTokenError);
      fx.clock.advance(29_000);
      await expect(instanceA.authenticateAccessToken(tokens.access_token)).resolves.toBeDefined();
      fx.clock.advance(1_000);
      const err = await rejection(instanceA.authenticateAccessToken(tokens.access_token));
      expect(err).toBeInstanceOf(InvalidTokenError);
      expect(err.description).toMatch(/revoked/);
    });

    test('a token whose session has ended (grant idle past its lifetime) is refused', async () => {
      const shortLived = fx.service({ refreshTokenTtlSeconds: 3600 });
      const { tokens } = await signInAndRedeem(shortLived, fx.clock);
      fx.clock.advance(3600_000);
      const err = await rejection(fx.service().authenticateAccessToken(tokens.access_token));
      expect(err).toBeInstanceOf(InvalidTokenError);
      expect(err.description).toMatch(/ended/);
    });
  });

  describe('Entra token renewal', () => {
    test('near expiry, the Entra token is renewed once and stored sealed under the same data key', async () => {
      const { created, tokens, entra } = await signInAndRedeem(grants, fx.clock, 4 * 60 * 1000);
      const before = fx.upstream.calls.length;
      const access = await grants.authenticateAccessToken(tokens.access_token);
      const renewed = await access.entraTokens();
      expect(fx.upstream.calls.slice(before)).toEqual([entra.refreshToken]);
      expect(renewed.accessToken).toMatch(/^entra-at-renewed-/);
      const doc = await rawGrant(created.grant.id);
      expect(doc.entra!.accessTokenExpiresAt).toBe(renewed.expiresOn);
      // The refresh token still unwraps the key that opens the renewed tokens; Entra's refresh token is kept.
      const key = await unwrapDataKey(doc.refresh!.current.wrappedKey, tokens.refresh_token, 'refresh-token');
      expect(await openEntraTokens(doc.entra!, key)).toEqual({ ...renewed, refreshToken: entra.refreshToken });
      expect(await grants.entraAccessToken(created.grant.id, access.grantKey)).toEqual(renewed);
      expect(fx.upstream.calls.length).toBe(before + 1);
    });

    test('two instances renewing at once both get the token that was stored', async () => {
      const { created, tokens } = await signInAndRedeem(grants, fx.clock, 60 * 1000);
      const [a, b] = await Promise.all([fx.service().authenticateAccessToken(tokens.access_token), fx.service().authenticateAccessToken(tokens.access_token)]);
      const [fromA, fromB] = await Promise.all([a!.entraTokens(), b!.entraTokens()]);
      const doc = await rawGrant(created.grant.id);
      const stored = await openEntraTokens(doc.entra!, a!.grantKey);
      expect(fromA.accessToken).toBe(stored.accessToken);
      expect(fromB.accessToken).toBe(stored.accessToken);
    });

    test('renewal after a refresh-token rotation still writes (an unrelated ETag change is retried)', async () => {
      const { tokens } = await signInAndRedeem(grants, fx.clock, 60 * 1000);
      const access = await fx.service().authenticateAccessToken(tokens.access_token);
      await grants.refresh(tokens.refresh_token, { clientId: CLIENT }); // grant ETag changes
      const renewed = await access.entraTokens();
      expect(renewed.accessToken).toMatch(/^entra-at-renewed-/);
    });

    test('without an Entra refresh token, an expired Entra session is invalid_token', async () => {
      const created = await grants.createGrant({
        user: USER,
        clientId: CLIENT,
        scopes: ['mcp:tools'],
        resource: 'http://localhost:7071/mcp',
        entra: { accessToken: 'entra-at-no-refresh', expiresOn: fx.clock.nowMs + 60_000 },
      });
      const pkce = await createPkcePair();
      const code = await grants.issueCode(created, { redirectUri: REDIRECT, codeChallenge: pkce.codeChallenge });
      const tokens = await grants.redeemCode(code, { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier: pkce.codeVerifier });
      const access = await grants.authenticateAccessToken(tokens.access_token);
      const err = await rejection(access.entraTokens());
      expect(err).toBeInstanceOf(InvalidTokenError);
      expect(err.description).toMatch(/Entra ID session .* expired/);
    });

    test('an Entra failure during renewal reaches the caller unchanged, and nothing is written', async () => {
      const failing = fx.service({
        refreshUpstream: async () => {
          throw new Error('AADSTS70000: invalid_grant');
        },
      });
      const { created, tokens } = await signInAndRedeem(failing, fx.clock, 60 * 1000);
      const before = await rawGrant(created.grant.id);
      await expect((await failing.authenticateAccessToken(tokens.access_token)).entraTokens()).rejects.toThrow('AADSTS70000');
      expect((await rawGrant(created.grant.id))._etag).toBe(before._etag);
    });
  });
});
