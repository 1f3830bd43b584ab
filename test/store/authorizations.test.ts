import { InvalidRequestError } from '../../src/oauth/errors.js';
import { hashSecret } from '../../src/oauth/tokens/opaque.js';
import { createCosmosPendingAuthorizationStore, type AuthorizationRequest, type PendingAuthorizationStore } from '../../src/store/authorizations.js';
import { startCosmosHarness, TestClock, type CosmosHarness } from '../oauth/tokens/harness.js';

const request: AuthorizationRequest = {
  clientId: 'client-1',
  redirectUri: 'http://127.0.0.1:33418/callback',
  scopes: ['mcp:tools'],
  resource: 'http://localhost:7071/mcp',
  state: 'client-state',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  codeChallengeMethod: 'S256',
};
const VERIFIER = 'entra-verifier-0123456789-0123456789-0123456789';

describe('store: pending authorizations', () => {
  let harness: CosmosHarness;
  let store: PendingAuthorizationStore;
  const clock = new TestClock();

  beforeAll(async () => {
    harness = await startCosmosHarness();
    store = createCosmosPendingAuthorizationStore(harness.containers.authorizations);
  });
  afterAll(() => harness.close());

  test('the state is single use: the first consume returns the request and verifier, the second fails', async () => {
    const started = await store.create(request, VERIFIER, clock.nowMs);
    const pending = await store.consume(started.state, started.browserBinding, clock.nowMs + 1000);
    expect(pending.request).toEqual(request);
    expect(pending.entraCodeVerifier).toBe(VERIFIER);
    await expect(store.consume(started.state, started.browserBinding, clock.nowMs + 2000)).rejects.toThrow(/already used/);
  });

  test('two concurrent consumes: exactly one succeeds', async () => {
    const started = await store.create(request, VERIFIER, clock.nowMs);
    const results = await Promise.allSettled([
      store.consume(started.state, started.browserBinding, clock.nowMs),
      store.consume(started.state, started.browserBinding, clock.nowMs),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  test('an expired pending authorization is refused, and gone afterwards', async () => {
    const started = await store.create(request, VERIFIER, clock.nowMs);
    const late = clock.nowMs + 10 * 60 * 1000;
    await expect(store.consume(started.state, started.browserBinding, late)).rejects.toThrow(/expired/);
    await expect(store.consume(started.state, started.browserBinding, clock.nowMs)).rejects.toThrow(/already used/);
  });

  test('another browser (wrong binding) is refused and does not use the state up', async () => {
    const started = await store.create(request, VERIFIER, clock.nowMs);
    const err = await store.consume(started.state, 'x'.repeat(43), clock.nowMs).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).description).toMatch(/another browser/);
    await expect(store.consume(started.state, started.browserBinding, clock.nowMs)).resolves.toBeDefined();
  });

  test('the stored document holds hashes and a sealed verifier only', async () => {
    const started = await store.create(request, VERIFIER, clock.nowMs);
    const { resource } = await harness.containers.authorizations.item(hashSecret(started.state), hashSecret(started.state)).read();
    const raw = JSON.stringify(resource);
    expect(resource?.browserBindingHash).toBe(hashSecret(started.browserBinding));
    expect(raw).not.toContain(started.state);
    expect(raw).not.toContain(started.browserBinding);
    expect(raw).not.toContain(VERIFIER);
    expect(resource?.ttl).toBe(600);
  });

  test('an unknown or malformed state is refused', async () => {
    await expect(store.consume('nope', 'nope', clock.nowMs)).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(store.consume('A'.repeat(43), 'nope', clock.nowMs)).rejects.toThrow(/unknown/);
  });
});
