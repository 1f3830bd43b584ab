import { createCosmosRefreshTokenStore } from '../../src/store/refresh-tokens.js';
import { startCosmosHarness, TestClock, type CosmosHarness } from '../oauth/tokens/harness.js';

describe('store: refresh-token index', () => {
  let harness: CosmosHarness;
  const clock = new TestClock();

  beforeAll(async () => {
    harness = await startCosmosHarness();
  });
  afterAll(() => harness.close());

  test('finds a record until it expires, never after; ids are unique', async () => {
    const store = createCosmosRefreshTokenStore(harness.containers.refreshTokens);
    const record = { id: 'hash-1', grantId: 'g', clientId: 'c', issuedAt: clock.nowMs, expiresAt: clock.nowMs + 3600_000 };
    await store.create(record, clock.nowMs);
    expect(await store.find('hash-1', clock.nowMs + 3599_999)).toEqual(record);
    expect(await store.find('hash-1', clock.nowMs + 3600_000)).toBeUndefined();
    expect(await store.find('hash-2', clock.nowMs)).toBeUndefined();
    await expect(store.create(record, clock.nowMs)).rejects.toMatchObject({ code: 409 });
    const { resource } = await harness.containers.refreshTokens.item('hash-1', 'hash-1').read();
    expect(resource?.ttl).toBe(3600);
  });
});
