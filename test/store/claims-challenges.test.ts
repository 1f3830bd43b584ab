import { CLAIMS_CHALLENGE_TTL_MS, challengeId, createCosmosClaimsChallengeStore, type ClaimsChallengeStore } from '../../src/store/claims-challenges.js';
import { startCosmosHarness, TestClock, type CosmosHarness } from '../oauth/tokens/harness.js';

const TID = '00000000-0000-4000-8000-000000000001';
const ADELE = { tid: TID, oid: 'aaaaaaaa-0000-4000-8000-000000000001' };
const ADMIN = { tid: TID, oid: 'aaaaaaaa-0000-4000-8000-000000000002' };
const CLAIMS = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}';

describe('store: Conditional Access claims challenges kept for the next sign-in', () => {
  let harness: CosmosHarness;
  let store: ClaimsChallengeStore;
  const clock = new TestClock();

  beforeAll(async () => {
    harness = await startCosmosHarness();
    store = createCosmosClaimsChallengeStore(harness.containers.authorizations);
  });
  afterAll(() => harness.close());

  test('only the same user (tid + oid, any case) takes it, and only once', async () => {
    await store.put(ADELE, CLAIMS, clock.nowMs);
    expect(await store.take(ADMIN, clock.nowMs)).toBeUndefined();
    expect(await store.take({ tid: TID, oid: ADELE.oid.toUpperCase() }, clock.nowMs)).toBe(CLAIMS);
    expect(await store.take(ADELE, clock.nowMs)).toBeUndefined();
  });

  test('a newer challenge replaces the older one; an expired one is not handed out (and is gone)', async () => {
    await store.put(ADELE, '{"old":1}', clock.nowMs);
    await store.put(ADELE, CLAIMS, clock.nowMs);
    expect(await store.take(ADELE, clock.nowMs)).toBe(CLAIMS);
    await store.put(ADELE, CLAIMS, clock.nowMs);
    expect(await store.take(ADELE, clock.nowMs + CLAIMS_CHALLENGE_TTL_MS + 1)).toBeUndefined();
    expect(await store.take(ADELE, clock.nowMs)).toBeUndefined();
  });

  test('two concurrent sign-ins of the user: exactly one gets it', async () => {
    await store.put(ADELE, CLAIMS, clock.nowMs);
    const results = await Promise.all([store.take(ADELE, clock.nowMs), store.take(ADELE, clock.nowMs)]);
    expect(results.filter((r) => r === CLAIMS)).toHaveLength(1);
  });

  test('its id cannot collide with a pending authorization (those are bare hashes)', () => {
    expect(challengeId(ADELE)).toMatch(/^cac\.[A-Za-z0-9_-]{43}$/);
  });
});
