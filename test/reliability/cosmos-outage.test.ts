import { ONE, useFakeDateStack } from './fake-date-stack.js';
import type { GrantRecord } from '../../src/store/grants.js';
import { authorizeSplit, redeem, refresh, REDIRECT_URI, signInSplit, whoamiStatus } from './instances-support.js';

// Cosmos DB stopped in the middle of the flow: the local Cosmos endpoint is closed (connection refused)
// and opened again on the same port with its data, as during a real outage. `Date` is faked, to move past
// the grant cache's freshness without sleeping.
const local = useFakeDateStack();
afterEach(async () => {
  await local.stack.cosmos.faults.start();
});

function expectUnavailable(answer: { status: number; retryAfter: string | null; json: Record<string, unknown> }): void {
  expect(answer.status).toBe(503);
  expect(answer.retryAfter).toBe('5');
  expect(answer.json).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringContaining('Retry in 5 seconds') });
}

describe('Cosmos DB stopped mid-flow', () => {
  test('register, authorize, token and refresh answer 503 with Retry-After and an OAuth body, then recover by themselves', async () => {
    await local.stack.cosmos.faults.stop();
    const registered = await fetch(`${local.stack.urls.gateway}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'outage', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
    });
    expectUnavailable({
      status: registered.status,
      retryAfter: registered.headers.get('retry-after'),
      json: (await registered.json()) as Record<string, unknown>,
    });
    const authorizePage = await fetch(`${local.stack.urls.gateway}/authorize?client_id=unknown-while-down&response_type=code`);
    expect(authorizePage.status).toBe(503);
    expect(authorizePage.headers.get('retry-after')).toBe('5');
    expect(await authorizePage.text()).toContain('temporarily_unavailable');
    await local.stack.cosmos.faults.start();

    // The code redemption while Cosmos is down: 503, nothing consumed, the same code works once it is back.
    const authorized = await authorizeSplit(local.stack, ONE);
    await local.stack.cosmos.faults.stop();
    expectUnavailable(await redeem(local.stack, 1, authorized));
    await local.stack.cosmos.faults.start();
    const tokens = await redeem(local.stack, 1, authorized);
    expect(tokens.status).toBe(200);

    // The refresh while Cosmos is down: 503, and the same refresh token is still the live one afterwards
    // (no rotation half done, not mistaken for reuse).
    const signedIn = { clientId: authorized.clientId, accessToken: String(tokens.json.access_token), refreshToken: String(tokens.json.refresh_token) };
    await local.stack.cosmos.faults.stop();
    expectUnavailable(await refresh(local.stack, 1, signedIn));
    await local.stack.cosmos.faults.start();
    const refreshed = await refresh(local.stack, 1, signedIn);
    expect(refreshed.status).toBe(200);
    expect(await whoamiStatus(local.stack, 1, String(refreshed.json.access_token))).toBe(200);
  });

  test('an MCP call that needs Cosmos answers 503 with Retry-After, and works again once Cosmos is back', async () => {
    const signedIn = await signInSplit(local.stack, ONE);
    await local.stack.cosmos.faults.stop();
    local.advance(31_000); // past the grant cache's freshness: the grant must be read
    const response = await fetch(local.stack.urls.mcp, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${signedIn.accessToken}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    await local.stack.cosmos.faults.start();
    expect(await whoamiStatus(local.stack, 1, signedIn.accessToken)).toBe(200);
  });
});

describe('health while Cosmos DB is down', () => {
  test('/health (liveness) stays 200; /health/ready answers 503 with Retry-After once its 5 s cache runs out, and 200 again after', async () => {
    const ready = () => fetch(`${local.stack.urls.gateway}/health/ready`);
    expect((await ready()).status).toBe(200);
    await local.stack.cosmos.faults.stop();
    expect((await fetch(local.stack.urls.health)).status).toBe(200);
    local.advance(5_000);
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.json()).toMatchObject({ status: 'not_ready', checks: { configuration: 'ok', cosmos: 'unavailable' } });
    await local.stack.cosmos.faults.start();
    local.advance(5_000);
    const up = await ready();
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ status: 'ready', checks: { configuration: 'ok', cosmos: 'ok' } });
  });
});

describe('Cosmos DB lost in the middle of a request that writes several documents', () => {
  /** Every live grant's refresh slots are in the refresh-token index, and every code points at a grant. */
  async function expectNothingHalfWritten(): Promise<void> {
    const { resources: grants } = await local.containers.grants.items.query<GrantRecord>('SELECT * FROM c').fetchAll();
    const live = grants.filter((g) => !g.revoked && g.refresh);
    for (const grant of live) {
      for (const slot of [grant.refresh!.current, grant.refresh!.previous].filter((s) => s !== undefined)) {
        const { resource } = await local.containers.refreshTokens.item(slot.hash, slot.hash).read();
        expect(resource).toMatchObject({ grantId: grant.id });
      }
    }
    const { resources: codes } = await local.containers.codes.items.query<{ grantId: string }>('SELECT c.grantId FROM c').fetchAll();
    const ids = new Set(grants.map((g) => g.id));
    for (const code of codes) expect(ids.has(code.grantId)).toBe(true);
  }

  test('a refresh cut off after any number of Cosmos requests: 503, and retrying the same refresh token works', async () => {
    const signedIn = await signInSplit(local.stack, ONE);
    let current = signedIn.refreshToken;
    let cutOffs = 0;
    for (let passed = 0; passed < 8; passed++) {
      local.stack.cosmos.faults.failAfter(passed);
      const answer = await refresh(local.stack, 1, signedIn, current);
      if (answer.status === 503) {
        cutOffs++;
        await local.stack.cosmos.faults.start();
        await expectNothingHalfWritten();
        const retried = await refresh(local.stack, 1, signedIn, current);
        expect(retried.status).toBe(200);
        current = String(retried.json.refresh_token);
      } else {
        expect(answer.status).toBe(200);
        current = String(answer.json.refresh_token);
        local.stack.cosmos.faults.failAfter(Infinity);
      }
    }
    expect(cutOffs).toBeGreaterThan(0);
    await expectNothingHalfWritten();
  });

  test('a code redemption cut off after any number of Cosmos requests: 503; the retry succeeds, or is refused as a replay and the grant revoked', async () => {
    for (let passed = 0; passed < 6; passed++) {
      const authorized = await authorizeSplit(local.stack, ONE);
      local.stack.cosmos.faults.failAfter(passed);
      const answer = await redeem(local.stack, 1, authorized);
      local.stack.cosmos.faults.failAfter(Infinity);
      await local.stack.cosmos.faults.start();
      if (answer.status !== 503) {
        expect(answer.status).toBe(200);
        continue;
      }
      await expectNothingHalfWritten();
      const retried = await redeem(local.stack, 1, authorized);
      if (retried.status === 200) continue;
      // The code was consumed before the outage: a second use is a replay (RFC 9700), which revokes the grant.
      expect(retried.json.error).toBe('invalid_grant');
      const { resources } = await local.containers.grants.items
        .query<GrantRecord>({
          query: 'SELECT * FROM c WHERE c.clientId = @c',
          parameters: [{ name: '@c', value: authorized.clientId }],
        })
        .fetchAll();
      expect(resources.map((g) => g.revoked)).toEqual([true]);
    }
    await expectNothingHalfWritten();
  });
});

// Cosmos throttling: the local server has no request units, so the 429 (with `x-ms-retry-after-ms`) is
// injected at the HTTP level in front of it; the real @azure/cosmos client and its retry policy handle it.
describe('Cosmos DB throttling (429)', () => {
  test('a few 429s are retried by the SDK within its bound: the request succeeds', async () => {
    const signedIn = await signInSplit(local.stack, ONE);
    const before = local.stack.cosmos.faults.throttled;
    local.stack.cosmos.faults.throttle(2, 10);
    const refreshed = await refresh(local.stack, 1, signedIn);
    expect(refreshed.status).toBe(200);
    expect(local.stack.cosmos.faults.throttled - before).toBe(2);
  });

  test('past the SDK retries (3): 503 with Retry-After, not 500, and the refresh token is still live', async () => {
    const signedIn = await signInSplit(local.stack, ONE);
    const before = local.stack.cosmos.faults.throttled;
    local.stack.cosmos.faults.throttle(100, 10);
    expectUnavailable(await refresh(local.stack, 1, signedIn));
    // One request and its 3 retries, then the SDK gave up.
    expect(local.stack.cosmos.faults.throttled - before).toBe(4);
    local.stack.cosmos.faults.throttle(0);
    expect((await refresh(local.stack, 1, signedIn)).status).toBe(200);
  });
});
