import { OpenedCache } from '../../src/crypto/opened-cache.js';

describe('OpenedCache: what was decrypted and checked once', () => {
  test('serves an entry only before its validUntil, never after (caching never extends a lifetime)', () => {
    const cache = new OpenedCache<string>();
    cache.set('k', 'v', 1_000);
    expect(cache.get('k', 999)).toBe('v');
    expect(cache.get('k', 1_000)).toBeUndefined();
    expect(cache.get('k', 999)).toBeUndefined(); // an expired entry is dropped, not kept for a clock going back
  });

  test('bounded: the least recently used entry goes first', () => {
    const cache = new OpenedCache<number>(2);
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    expect(cache.get('a', 0)).toBe(1); // a is now the most recent
    cache.set('c', 3, 10);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([1, undefined, 3]);
    expect(cache.size).toBe(2);
  });

  test('keys: a digest (not the value), different for any other part, key or split of the parts', () => {
    const token = 'eyJhbGciOiJkaXIifQ..iv.ciphertext.tag';
    const key = OpenedCache.key(token);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('ciphertext');
    expect(OpenedCache.key(token)).toBe(key);
    expect(OpenedCache.key(`${token}x`)).not.toBe(key);
    expect(OpenedCache.key(new Uint8Array(32).fill(1), token)).not.toBe(OpenedCache.key(new Uint8Array(32).fill(2), token));
    expect(OpenedCache.key('ab', 'c')).not.toBe(OpenedCache.key('a', 'bc'));
  });
});
