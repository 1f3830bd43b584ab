import { createHash } from 'node:crypto';
import { createPkcePair, isWellFormedCodeChallenge, verifyPkce } from '../../../src/oauth/pkce.js';
import { hashSecret, isWellFormedSecret, newSecret, sameSecret } from '../../../src/oauth/tokens/opaque.js';

describe('opaque secrets and PKCE', () => {
  test('secrets are 256-bit base64url and distinct; the stored form is their SHA-256', () => {
    const a = newSecret();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(isWellFormedSecret(a)).toBe(true);
    expect(a).not.toBe(newSecret());
    expect(hashSecret(a)).toBe(createHash('sha256').update(a).digest('base64url'));
    expect(isWellFormedSecret(`${a}=`)).toBe(false);
    expect(isWellFormedSecret(42)).toBe(false);
  });

  test('sameSecret compares exactly, including different lengths', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });

  test('PKCE S256: the pair verifies, another verifier does not, malformed verifiers never do', async () => {
    const pair = await createPkcePair();
    expect(pair.method).toBe('S256');
    expect(isWellFormedCodeChallenge(pair.codeChallenge)).toBe(true);
    expect(await verifyPkce(pair.codeVerifier, pair.codeChallenge)).toBe(true);
    expect(await verifyPkce((await createPkcePair()).codeVerifier, pair.codeChallenge)).toBe(false);
    expect(await verifyPkce('short', pair.codeChallenge)).toBe(false);
    // `plain` would pass the challenge itself as the verifier: refused because the hash differs.
    expect(await verifyPkce(pair.codeChallenge, pair.codeChallenge)).toBe(false);
    expect(await verifyPkce(undefined, pair.codeChallenge)).toBe(false);
  });

  test('RFC 7636 appendix B test vector', async () => {
    expect(await verifyPkce('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
  });
});
