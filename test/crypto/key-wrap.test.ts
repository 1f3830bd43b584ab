import { DecryptionError, open, seal } from '../../src/crypto/aead.js';
import { createDataKey, unwrapDataKey, wrapDataKey } from '../../src/crypto/key-wrap.js';
import { newSecret } from '../../src/oauth/tokens/opaque.js';

describe('crypto: AEAD and per-token key wrapping', () => {
  test('seal uses a fresh IV each time and opens only under the same key and purpose', async () => {
    const key = createDataKey();
    const value = new TextEncoder().encode('entra refresh token');
    const a = await seal(key, value, 'entra-tokens');
    const b = await seal(key, value, 'entra-tokens');
    expect(a.split('.')[2]).not.toBe(b.split('.')[2]);
    expect(new TextDecoder().decode(await open(key, a, 'entra-tokens'))).toBe('entra refresh token');
    await expect(open(createDataKey(), a, 'entra-tokens')).rejects.toBeInstanceOf(DecryptionError);
    await expect(open(key, a, 'other-purpose')).rejects.toBeInstanceOf(DecryptionError);
  });

  test('a data key wrapped under a token unwraps with that token only, and only for its purpose', async () => {
    const dataKey = createDataKey();
    const token = newSecret();
    const wrapped = await wrapDataKey(dataKey, token, 'refresh-token');
    expect(Buffer.from(await unwrapDataKey(wrapped, token, 'refresh-token'))).toEqual(Buffer.from(dataKey));
    await expect(unwrapDataKey(wrapped, newSecret(), 'refresh-token')).rejects.toBeInstanceOf(DecryptionError);
    await expect(unwrapDataKey(wrapped, token, 'authorization-code')).rejects.toBeInstanceOf(DecryptionError);
  });

  test('the wrapped form does not contain the data key', async () => {
    const dataKey = createDataKey();
    const wrapped = await wrapDataKey(dataKey, newSecret(), 'refresh-token');
    expect(wrapped).not.toContain(Buffer.from(dataKey).toString('base64url'));
    expect(Buffer.from(wrapped).includes(Buffer.from(dataKey))).toBe(false);
  });
});
