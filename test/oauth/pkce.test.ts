import { createHash } from 'node:crypto';
import { createPkcePair, isWellFormedCodeChallenge, PKCE_METHOD, verifyPkce } from '../../src/oauth/pkce.js';

/** The S256 challenge of any string, computed here independently of the module under test. */
const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

const valid43 = 'a'.repeat(43);

describe('pkce: code_challenge shape (S256 only)', () => {
  test('a base64url SHA-256 (43 characters) is well formed', () => {
    expect(isWellFormedCodeChallenge(s256('any verifier'))).toBe(true);
    expect(isWellFormedCodeChallenge('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
    expect(isWellFormedCodeChallenge(`${'A'.repeat(20)}_-${'9'.repeat(21)}`)).toBe(true);
  });

  test.each([
    ['42 characters', 'a'.repeat(42)],
    ['44 characters', 'a'.repeat(44)],
    ['a plain verifier of 128 characters', 'a'.repeat(128)],
    ['padded base64url', `${'a'.repeat(43)}=`],
    ['base64 rather than base64url', `${'a'.repeat(42)}+`],
    ['a slash', `${'a'.repeat(42)}/`],
    ['a junk prefix', `!${'a'.repeat(43)}`],
    ['a junk suffix', `${'a'.repeat(43)}!`],
    ['a line break after it', `${'a'.repeat(43)}\n`],
    ['empty', ''],
  ])('%s is malformed', (_, challenge) => {
    expect(isWellFormedCodeChallenge(challenge)).toBe(false);
  });

  test.each([undefined, null, 43, ['a'.repeat(43)], { toString: () => 'a'.repeat(43) }])('the non-string %p is malformed', (challenge) => {
    expect(isWellFormedCodeChallenge(challenge)).toBe(false);
  });
});

describe('pkce: verifier check (RFC 7636 §4.1: 43 to 128 unreserved characters)', () => {
  test.each([
    ['43 characters', valid43],
    ['128 characters', 'Z'.repeat(128)],
    ['every unreserved character', `${'a'.repeat(30)}AZaz09-._~`.padEnd(43, 'x')],
  ])('%s verifies against its own S256 challenge', async (_, verifier) => {
    expect(await verifyPkce(verifier, s256(verifier))).toBe(true);
  });

  // Each malformed verifier is checked against *its own* S256 challenge, so only the shape rule can
  // refuse it: without the rule the hashes would match.
  test.each([
    ['42 characters', 'a'.repeat(42)],
    ['129 characters', 'a'.repeat(129)],
    ['a character outside the unreserved set', `${'a'.repeat(42)}+`],
    ['a junk prefix', `!${valid43}`],
    ['a junk suffix', `${valid43}!`],
    ['a trailing line break', `${valid43}\n`],
    ['empty', ''],
  ])('%s never verifies, even against its own challenge', async (_, verifier) => {
    expect(await verifyPkce(verifier, s256(verifier))).toBe(false);
  });

  test('a non-string verifier is refused without throwing, even one that reads as a valid verifier', async () => {
    for (const verifier of [undefined, null, 42, [valid43], { toString: () => valid43 }]) {
      await expect(verifyPkce(verifier, s256(valid43))).resolves.toBe(false);
    }
  });

  test('another verifier, the challenge itself (plain) and a one-character change do not verify', async () => {
    expect(await verifyPkce(valid43, s256('b'.repeat(43)))).toBe(false);
    expect(await verifyPkce(s256(valid43), s256(valid43))).toBe(false);
    const challenge = s256(valid43);
    expect(await verifyPkce(valid43, `${challenge.slice(0, -1)}${challenge.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });
});

describe("pkce: the gateway's own pair towards Entra", () => {
  test('S256, a well-formed verifier, the matching challenge, fresh each time', async () => {
    const pair = await createPkcePair();
    expect(PKCE_METHOD).toBe('S256');
    expect(pair.method).toBe('S256');
    expect(pair.codeVerifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(pair.codeChallenge).toBe(s256(pair.codeVerifier));
    expect((await createPkcePair()).codeVerifier).not.toBe(pair.codeVerifier);
  });
});
