import { GrantCache } from '../../../src/oauth/tokens/grant-cache.js';
import type { GrantRecord, Versioned } from '../../../src/store/grants.js';

function grant(id: string): Versioned<GrantRecord> {
  return { etag: `"${id}"`, value: { id } as GrantRecord };
}

describe('grant cache', () => {
  test('serves an entry only within its freshness window', () => {
    const cache = new GrantCache(10, 30_000);
    cache.set(grant('a'), 1_000);
    expect(cache.get('a', 30_999)?.value.id).toBe('a');
    expect(cache.get('a', 31_000)).toBeUndefined();
  });

  test('holds at most maxEntries, evicting the least recently used', () => {
    const cache = new GrantCache(2, 30_000);
    cache.set(grant('a'), 0);
    cache.set(grant('b'), 0);
    expect(cache.get('a', 1)).toBeDefined();
    cache.set(grant('c'), 2);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 3)).toBeUndefined();
    expect(cache.get('a', 3)).toBeDefined();
    expect(cache.get('c', 3)).toBeDefined();
  });

  test('delete evicts at once', () => {
    const cache = new GrantCache(2, 30_000);
    cache.set(grant('a'), 0);
    cache.delete('a');
    expect(cache.get('a', 1)).toBeUndefined();
  });

  test('concurrent misses for one grant share one read, and the result is cached', async () => {
    const cache = new GrantCache(10, 30_000);
    let reads = 0;
    const read = async () => {
      reads += 1;
      return grant('a');
    };
    const results = await Promise.all(Array.from({ length: 8 }, () => cache.load('a', () => 0, read)));
    expect(reads).toBe(1);
    expect(results.every((g) => g?.value.id === 'a')).toBe(true);
    await cache.load('a', () => 1, read);
    expect(reads).toBe(1);
  });

  test("a delete while a read is in flight keeps the read's (older) copy out of the cache", async () => {
    const cache = new GrantCache(10, 30_000);
    let release!: (g: Versioned<GrantRecord>) => void;
    const inFlight = cache.load(
      'a',
      () => 0,
      () => new Promise((resolve) => (release = resolve)),
    );
    cache.delete('a');
    release(grant('a'));
    await inFlight;
    expect(cache.get('a', 1)).toBeUndefined();
  });

  test('a missing grant is not cached', async () => {
    const cache = new GrantCache(10, 30_000);
    expect(
      await cache.load(
        'a',
        () => 0,
        async () => undefined,
      ),
    ).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
