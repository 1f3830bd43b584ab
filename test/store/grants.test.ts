import { ConcurrentUpdateError, createCosmosGrantStore, type GrantRecord, type GrantStore } from '../../src/store/grants.js';
import { startCosmosHarness, TestClock, type CosmosHarness } from '../oauth/tokens/harness.js';

describe('store: grants', () => {
  let harness: CosmosHarness;
  let store: GrantStore;
  const clock = new TestClock();
  let n = 0;

  function grant(): GrantRecord {
    n += 1;
    return {
      id: `grant-${n}`,
      user: { oid: 'oid', tid: 'tid', roles: ['MCP.User'], groups: [] },
      clientId: 'client-1',
      scopes: ['mcp:tools'],
      resource: 'http://localhost:7071/mcp',
      createdAt: clock.nowMs,
      lastUsedAt: clock.nowMs,
      expiresAt: clock.nowMs + 3600_000,
      revoked: false,
      entra: { sealed: 'sealed', accessTokenExpiresAt: clock.nowMs + 3600_000 },
      refresh: { current: { hash: 'h1', wrappedKey: 'w1', issuedAt: clock.nowMs } },
    };
  }

  beforeAll(async () => {
    harness = await startCosmosHarness();
    store = createCosmosGrantStore(harness.containers.grants);
  });
  afterAll(() => harness.close());

  test('create then get returns the record without Cosmos system fields', async () => {
    const record = grant();
    const created = await store.create(record, clock.nowMs);
    expect(created.value).toEqual(record);
    expect((await store.get(record.id, clock.nowMs))?.value).toEqual(record);
  });

  test('replace is conditional: a stale ETag loses with ConcurrentUpdateError', async () => {
    const created = await store.create(grant(), clock.nowMs);
    const updated = await store.replace({ ...created.value, scopes: ['a'] }, created.etag, clock.nowMs);
    expect(updated.etag).not.toBe(created.etag);
    await expect(store.replace({ ...created.value, scopes: ['b'] }, created.etag, clock.nowMs)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect((await store.get(created.value.id, clock.nowMs))?.value.scopes).toEqual(['a']);
  });

  test('expiry is enforced on read', async () => {
    const record = grant();
    await store.create(record, clock.nowMs);
    expect(await store.get(record.id, record.expiresAt - 1)).toBeDefined();
    expect(await store.get(record.id, record.expiresAt)).toBeUndefined();
  });

  test('revoke marks the grant revoked and drops its sealed tokens and refresh slots, even against a racing write', async () => {
    const created = await store.create(grant(), clock.nowMs);
    await Promise.all([
      store.revoke(created.value.id, 'test', clock.nowMs),
      store.replace({ ...created.value, lastUsedAt: clock.nowMs + 1 }, created.etag, clock.nowMs).catch(() => undefined),
    ]);
    const after = await store.get(created.value.id, clock.nowMs);
    expect(after?.value).toMatchObject({ revoked: true, revokedReason: 'test', entra: null, refresh: null });
    await expect(store.revoke('missing', 'test', clock.nowMs)).resolves.toBeUndefined();
  });

  test('the per-item ttl follows expiresAt', async () => {
    const record = grant();
    await store.create(record, clock.nowMs);
    const { resource } = await harness.containers.grants.item(record.id, record.id).read();
    expect(resource?.ttl).toBe(3600);
  });
});
