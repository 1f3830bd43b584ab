import { createCosmosCodeStore, type CodeRecord, type CodeStore } from '../../src/store/codes.js';
import { startCosmosHarness, TestClock, type CosmosHarness } from '../oauth/tokens/harness.js';

describe('store: authorization codes', () => {
  let harness: CosmosHarness;
  let store: CodeStore;
  const clock = new TestClock();
  let n = 0;

  function record(): CodeRecord {
    n += 1;
    return {
      id: `code-hash-${n}`,
      grantId: 'grant-1',
      clientId: 'client-1',
      redirectUri: 'http://127.0.0.1/cb',
      codeChallenge: 'challenge',
      resource: 'http://localhost:7071/mcp',
      scopes: ['mcp:tools'],
      wrappedKey: 'wrapped',
      createdAt: clock.nowMs,
      expiresAt: clock.nowMs + 300_000,
      consumedAt: null,
    };
  }

  beforeAll(async () => {
    harness = await startCosmosHarness();
    store = createCosmosCodeStore(harness.containers.codes);
  });
  afterAll(() => harness.close());

  test('an active code is consumed once; afterwards it reads as consumed, without its wrapped key', async () => {
    const code = record();
    await store.create(code, clock.nowMs);
    const found = await store.find(code.id, clock.nowMs);
    if (found.status !== 'active') throw new Error(`expected active, got ${found.status}`);
    expect(await store.markConsumed(found.record, found.etag, clock.nowMs)).toBe(true);
    expect(await store.markConsumed(found.record, found.etag, clock.nowMs)).toBe(false);
    const after = await store.find(code.id, clock.nowMs);
    expect(after.status).toBe('consumed');
    expect(after.status === 'consumed' && after.record.wrappedKey).toBeNull();
  });

  test('concurrent consumes with one ETag: exactly one wins', async () => {
    const code = record();
    await store.create(code, clock.nowMs);
    const found = await store.find(code.id, clock.nowMs);
    if (found.status !== 'active') throw new Error('expected active');
    const wins = await Promise.all([1, 2, 3].map(() => store.markConsumed(found.record, found.etag, clock.nowMs)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  test('expiry is enforced on read; a consumed code stays a replay even past expiry', async () => {
    const fresh = record();
    await store.create(fresh, clock.nowMs);
    expect((await store.find(fresh.id, fresh.expiresAt)).status).toBe('expired');
    const used = record();
    await store.create(used, clock.nowMs);
    const found = await store.find(used.id, clock.nowMs);
    if (found.status !== 'active') throw new Error('expected active');
    await store.markConsumed(found.record, found.etag, clock.nowMs);
    expect((await store.find(used.id, used.expiresAt + 1000)).status).toBe('consumed');
    expect((await store.find('never-issued', clock.nowMs)).status).toBe('unknown');
  });

  test('a per-item ttl is set for garbage collection', async () => {
    const code = record();
    await store.create(code, clock.nowMs);
    const { resource } = await harness.containers.codes.item(code.id, code.id).read();
    expect(resource?.ttl).toBe(300);
  });
});
