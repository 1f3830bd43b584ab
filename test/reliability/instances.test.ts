import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { SharedClock } from '../../src/local/instances/index.js';
import { mcpClient, refresh, signInSplit, sseClient, whoamiStatus, whoamiText } from './instances-support.js';

// Two gateway instances (worker threads, each with its own modules and grant cache) behind the local
// front, sharing the Cosmos server and the emulators. Each step is pinned to the instance the test names.
// The instances' clock is shared and injected: the test moves it past the grant cache's freshness (30 s,
// docs/mcp-gateway.md) instead of sleeping.
const GRANT_CACHE_FRESHNESS_MS = 30_000;

let stack: LocalStack;
const clock = new SharedClock();
beforeAll(async () => {
  stack = await startLocalStack({ gatewayPort: 0, emulatorPorts: 'any', instances: 2, clock, log: () => {} });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

describe('several instances: one sign-in split across them', () => {
  test('authorize on A, consent on B, callback on A, token on B, MCP calls alternating, refresh on A then B', async () => {
    const signedIn = await signInSplit(stack, { register: 2, authorize: 1, consent: 2, callback: 1, token: 2 });

    const { client, sent } = await mcpClient(stack, signedIn.accessToken, [1, 2]);
    try {
      for (let i = 0; i < 4; i++) expect(await whoamiText(client)).toContain('adele@contoso.test');
      expect(new Set(sent)).toEqual(new Set([1, 2]));
    } finally {
      await client.close();
    }

    const onA = await refresh(stack, 1, signedIn);
    expect(onA.status).toBe(200);
    const onB = await refresh(stack, 2, signedIn, String(onA.json.refresh_token));
    expect(onB.status).toBe(200);
    const latest = String(onB.json.access_token);
    expect(await whoamiStatus(stack, 1, latest)).toBe(200);
    expect(await whoamiStatus(stack, 2, latest)).toBe(200);
  });
});

describe('several instances: refresh races', () => {
  test('ten parallel refreshes with one token, spread over both instances, behave as on one: all succeed with the same new pair', async () => {
    const signedIn = await signInSplit(stack, { register: 1, authorize: 1, consent: 1, callback: 1, token: 1 });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => refresh(stack, (i % 2) + 1, signedIn)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => `${String(a.json.access_token)} ${String(a.json.refresh_token)}`)).size).toBe(1);
    const next = String(answers[0]!.json.refresh_token);
    expect(next).not.toBe(signedIn.refreshToken);
    expect((await refresh(stack, 2, signedIn, next)).status).toBe(200);
  });
});

describe('several instances: a revocation on A is seen on B within the grant cache freshness', () => {
  /** B has the grant cached (a call just succeeded there), then A revokes it. */
  async function cachedOnB(): Promise<Awaited<ReturnType<typeof signInSplit>>> {
    const signedIn = await signInSplit(stack, { register: 1, authorize: 1, consent: 1, callback: 1, token: 1 });
    expect(await whoamiStatus(stack, 2, signedIn.accessToken)).toBe(200);
    return signedIn;
  }

  /** Refused on A at once; on B at the latest once the cache entry is older than its freshness. */
  async function expectRevokedEverywhere(accessToken: string): Promise<void> {
    expect(await whoamiStatus(stack, 1, accessToken)).toBe(401);
    // B's own cache still holds the grant as it was: the instances share no memory, only Cosmos.
    expect(await whoamiStatus(stack, 2, accessToken)).toBe(200);
    clock.advance(GRANT_CACHE_FRESHNESS_MS);
    expect(await whoamiStatus(stack, 2, accessToken)).toBe(401);
  }

  test('by /revoke', async () => {
    const signedIn = await cachedOnB();
    const revoked = await fetch(`${stack.urls.gateway}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-local-instance': '1' },
      body: new URLSearchParams({ token: signedIn.refreshToken, client_id: signedIn.clientId }),
    });
    expect(revoked.status).toBe(200);
    await expectRevokedEverywhere(signedIn.accessToken);
  });

  test('by refresh-token reuse', async () => {
    const signedIn = await cachedOnB();
    const first = await refresh(stack, 1, signedIn);
    expect(first.status).toBe(200);
    // The new refresh token's first use retires the old one; presenting the old one again is reuse.
    expect((await refresh(stack, 1, signedIn, String(first.json.refresh_token))).status).toBe(200);
    const reuse = await refresh(stack, 1, signedIn);
    expect(reuse.status).toBe(400);
    expect(reuse.json.error).toBe('invalid_grant');
    await expectRevokedEverywhere(String(first.json.access_token));
  });

  test('by the admin tool', async () => {
    const signedIn = await cachedOnB();
    const admin = await signInSplit(
      stack,
      { register: 1, authorize: 1, consent: 1, callback: 1, token: 1 },
      { username: 'admin@contoso.test', scope: 'mcp:tools mcp:admin' },
    );
    const { client } = await mcpClient(stack, admin.accessToken, [1]);
    try {
      const result = await client.callTool({ name: 'revoke_client', arguments: { client_id: signedIn.clientId } });
      expect(result.isError).not.toBe(true);
    } finally {
      await client.close();
    }
    await expectRevokedEverywhere(signedIn.accessToken);
  });
});

describe('several instances: legacy SSE', () => {
  test("the stream on A, messages posted at B and A: replies arrive on the stream (the local host relays as the extension's queue does)", async () => {
    const signedIn = await signInSplit(stack, { register: 1, authorize: 1, consent: 1, callback: 1, token: 1 });
    // GET /mcp/sse on instance 1, then every POST /mcp/message alternates 2, 1, 2, …
    const { client, sent } = await sseClient(stack, signedIn.accessToken, [1, 2]);
    try {
      for (let i = 0; i < 3; i++) expect(await whoamiText(client)).toContain('adele@contoso.test');
      expect(sent[0]).toBe(1);
      expect(sent.filter((pin) => pin === 2).length).toBeGreaterThanOrEqual(2);
    } finally {
      await client.close();
    }
  });
});
