import { CompactEncrypt, EncryptJWT, decodeProtectedHeader } from 'jose';
import { InvalidTokenError } from '../../../src/oauth/errors.js';
import { createAccessTokenCodec, type AccessTokenInput } from '../../../src/oauth/tokens/access-token.js';
import { KEY_1, KEY_2, TestClock } from './harness.js';

const ISSUER = 'http://localhost:7071';
const AUDIENCE = 'http://localhost:7071/mcp';
const input: AccessTokenInput = {
  sub: 'aaaaaaaa-0000-4000-8000-000000000001',
  tid: '00000000-0000-4000-8000-000000000001',
  clientId: 'client-1',
  grantId: 'grant-1',
  scopes: ['mcp:tools', 'openid'],
  grantKey: new Uint8Array(32).fill(9),
};

function codec(keyRing = [KEY_1], overrides: { issuer?: string; audience?: string } = {}) {
  return createAccessTokenCodec({ keyRing, issuer: overrides.issuer ?? ISSUER, audience: overrides.audience ?? AUDIENCE, ttlSeconds: 3600 });
}

async function refusal(promise: Promise<unknown>): Promise<InvalidTokenError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidTokenError);
  return err as InvalidTokenError;
}

describe('access token (JWE on the key ring)', () => {
  const clock = new TestClock();

  test('round trip: every claim comes back, and the grant key with them', async () => {
    const { token, claims } = await codec().issue(input, clock.nowMs);
    const verified = await codec().verify(token, clock.nowMs + 1000);
    expect(verified.claims).toEqual(claims);
    expect(verified.claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: input.sub,
      tid: input.tid,
      client_id: 'client-1',
      sid: 'grant-1',
      scope: 'mcp:tools openid',
      iat: Math.floor(clock.nowMs / 1000),
      exp: Math.floor(clock.nowMs / 1000) + 3600,
    });
    expect(verified.claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(Buffer.from(verified.grantKey)).toEqual(Buffer.from(input.grantKey));
  });

  test('the header is dir + A256GCM with the active kid and typ at+jwt; the payload is not readable', async () => {
    const { token } = await codec([KEY_2, KEY_1]).issue(input, clock.nowMs);
    expect(token.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'k2', typ: 'at+jwt' });
    expect(token).not.toContain(Buffer.from(input.sub).toString('base64url'));
  });

  test('a tampered token is refused without echoing it', async () => {
    const { token } = await codec().issue(input, clock.nowMs);
    const parts = token.split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0] = ciphertext[0]! ^ 1;
    parts[3] = ciphertext.toString('base64url');
    const err = await refusal(codec().verify(parts.join('.'), clock.nowMs));
    expect(err.description).toMatch(/malformed, altered/);
    expect(err.description).not.toContain(parts[3]);
  });

  test('an expired token is refused (beyond the 30 s tolerance), a just-expired one within it accepted', async () => {
    const { token } = await codec().issue(input, clock.nowMs);
    await expect(codec().verify(token, clock.nowMs + 3600_000 + 10_000)).resolves.toBeDefined();
    const err = await refusal(codec().verify(token, clock.nowMs + 3600_000 + 31_000));
    expect(err.description).toMatch(/expired/);
    await expect(codec().verify(token, clock.nowMs + 7200_000, { allowExpired: true })).resolves.toBeDefined();
  });

  test('a token from a retired key (kid no longer in the ring) is refused', async () => {
    const { token } = await codec([KEY_1]).issue(input, clock.nowMs);
    const err = await refusal(codec([KEY_2]).verify(token, clock.nowMs));
    expect(err.description).toMatch(/no longer holds/);
  });

  test('after rotation, a token from the older key still in the ring is accepted and new tokens use the new key', async () => {
    const { token: before } = await codec([KEY_1]).issue(input, clock.nowMs);
    const rotated = codec([KEY_2, KEY_1]);
    await expect(rotated.verify(before, clock.nowMs)).resolves.toBeDefined();
    const { token: after } = await rotated.issue(input, clock.nowMs);
    expect(decodeProtectedHeader(after).kid).toBe('k2');
  });

  test('a known kid with other key material is refused', async () => {
    const forged = { kid: 'k1', key: new Uint8Array(32).fill(5) };
    const { token } = await codec([forged]).issue(input, clock.nowMs);
    await refusal(codec([KEY_1]).verify(token, clock.nowMs));
  });

  test('wrong audience or issuer is refused, naming the claim', async () => {
    const { token: otherAud } = await codec([KEY_1], { audience: 'https://elsewhere.example/mcp' }).issue(input, clock.nowMs);
    expect((await refusal(codec().verify(otherAud, clock.nowMs))).description).toContain('"aud"');
    const { token: otherIss } = await codec([KEY_1], { issuer: 'https://evil.example' }).issue(input, clock.nowMs);
    expect((await refusal(codec().verify(otherIss, clock.nowMs))).description).toContain('"iss"');
  });

  test('another JWE under the same key (other typ, missing claims, other enc) is refused', async () => {
    const now = Math.floor(clock.nowMs / 1000);
    const base = { iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 60 };
    const otherTyp = await new EncryptJWT({ ...base, sub: 'x', tid: 't', client_id: 'c', sid: 's', scope: '', jti: 'j', gk: 'x' })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'mcp-session+jwt' })
      .encrypt(KEY_1.key);
    expect((await refusal(codec().verify(otherTyp, clock.nowMs))).description).toContain('"typ"');
    const missingSid = await new EncryptJWT({ ...base, sub: 'x', tid: 't', client_id: 'c', scope: '', jti: 'j', gk: 'x' })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'at+jwt' })
      .encrypt(KEY_1.key);
    expect((await refusal(codec().verify(missingSid, clock.nowMs))).description).toContain('"sid"');
    const cbc = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(base)))
      .setProtectedHeader({ alg: 'dir', enc: 'A128CBC-HS256', kid: 'k1', typ: 'at+jwt' })
      .encrypt(KEY_1.key);
    await refusal(codec().verify(cbc, clock.nowMs));
    await refusal(codec().verify('not-a-token', clock.nowMs));
  });

  describe('verified-token cache', () => {
    test('a token verified while valid is refused once it expires (the cache honours exp and the tolerance)', async () => {
      const c = codec();
      const { token, claims } = await c.issue(input, clock.nowMs);
      await c.verify(token, clock.nowMs); // remembered
      await c.verify(token, (claims.exp + 29) * 1000); // within the 30 s tolerance
      const err = await refusal(c.verify(token, (claims.exp + 30) * 1000));
      expect(err.description).toMatch(/expired/);
    });

    test('a token differing in one character from a remembered one is checked in full and refused', async () => {
      const c = codec();
      const { token } = await c.issue(input, clock.nowMs);
      await c.verify(token, clock.nowMs);
      // A character in the middle of the ciphertext (the last one of a part may only carry padding bits).
      const parts = token.split('.');
      const ciphertext = parts[3]!;
      const mid = Math.floor(ciphertext.length / 2);
      parts[3] = ciphertext.slice(0, mid) + (ciphertext[mid] === 'A' ? 'B' : 'A') + ciphertext.slice(mid + 1);
      await refusal(c.verify(parts.join('.'), clock.nowMs));
    });

    test('another codec (another key ring) does not accept what this one remembered', async () => {
      const { token } = await codec([KEY_1]).issue(input, clock.nowMs);
      const ring2 = codec([KEY_2]);
      await refusal(ring2.verify(token, clock.nowMs));
    });
  });
});
