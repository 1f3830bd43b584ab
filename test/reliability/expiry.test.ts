import { CONTAINERS, type ContainerName } from '../../src/store/containers.js';
import { hashSecret } from '../../src/oauth/tokens/opaque.js';
import { ONE, useFakeDateStack } from './fake-date-stack.js';
import { authorizeSplit, redeem, refresh, registerClient, signInSplit, whoamiStatus, type SignedIn } from './instances-support.js';

// Expiry with an injected clock (only `Date` is faked; see ./fake-date-stack.ts).
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A short idle lifetime, so a simulated week spans several of them. */
const REFRESH_TTL_SECONDS = 86_400;

const local = useFakeDateStack({ env: { REFRESH_TOKEN_TTL_SECONDS: String(REFRESH_TTL_SECONDS) } });
const advance = (ms: number) => local.advance(ms);
const count = async (container: ContainerName) =>
  (await local.containers[container].items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll()).resources[0] ?? 0;
const exists = async (container: ContainerName, id: string) => (await local.containers[container].item(id, id).read()).resource !== undefined;

describe('expired records are never served, even before the sweep deletes them', () => {
  test('an authorization code past its 5 minutes: refused while its document is still there, then swept', async () => {
    const authorized = await authorizeSplit(local.stack, ONE);
    advance(5 * MINUTE);
    const answer = await redeem(local.stack, 1, authorized);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'invalid_grant', error_description: expect.stringContaining('expired') });
    expect(await exists(CONTAINERS.codes.id, hashSecret(authorized.code))).toBe(true);
    await local.stack.ttl.sweep();
    expect(await exists(CONTAINERS.codes.id, hashSecret(authorized.code))).toBe(false);
  });

  test('a pending authorization past its 10 minutes: /callback refuses it', async () => {
    await expect(authorizeSplit(local.stack, ONE, { beforeCallback: () => advance(10 * MINUTE) })).rejects.toThrow(/longer than 10 minutes and has expired/);
  });

  test('a session idle past REFRESH_TOKEN_TTL_SECONDS: its refresh token is refused before the sweep, and the sweep collects it', async () => {
    const signedIn = await signInSplit(local.stack, ONE);
    advance(REFRESH_TTL_SECONDS * 1000);
    const answer = await refresh(local.stack, 1, signedIn);
    // The client, idle as long, has expired with its grant (a used client lives REFRESH_TOKEN_TTL_SECONDS).
    expect(answer.status).toBe(401);
    expect(answer.json.error).toBe('invalid_client');
    expect(await exists(CONTAINERS.refreshTokens.id, hashSecret(signedIn.refreshToken))).toBe(true);
    await local.stack.ttl.sweep();
    expect(await exists(CONTAINERS.refreshTokens.id, hashSecret(signedIn.refreshToken))).toBe(false);
  });
});

describe('a week of simulated time with a steady population', () => {
  test('three clients sign in daily and refresh every three hours: no container grows beyond what the lifetimes allow', async () => {
    await local.stack.ttl.sweep();
    advance(2 * DAY); // leave the earlier tests' records to expire
    await local.stack.ttl.sweep();
    const clients = [await registerClient(local.stack), await registerClient(local.stack), await registerClient(local.stack)];
    const sessions = new Map<string, SignedIn>();
    const daily: Record<string, number>[] = [];

    for (let day = 0; day < 7; day++) {
      for (const clientId of clients) sessions.set(clientId, await signInSplit(local.stack, ONE, { clientId }));
      for (let step = 0; step < 8; step++) {
        advance(3 * HOUR);
        for (const [clientId, session] of sessions) {
          const answer = await refresh(local.stack, 1, session);
          expect(answer.status).toBe(200);
          sessions.set(clientId, { ...session, accessToken: String(answer.json.access_token), refreshToken: String(answer.json.refresh_token) });
        }
        await local.stack.ttl.sweep();
      }
      expect(await whoamiStatus(local.stack, 1, sessions.get(clients[0]!)!.accessToken)).toBe(200);
      const counts: Record<string, number> = {};
      for (const spec of Object.values(CONTAINERS)) counts[spec.id] = await count(spec.id);
      daily.push(counts);
    }

    // Per client: the grant signed in today plus yesterday's, idle for less than a day; the refresh
    // tokens issued in the last day (8 refreshes + 1 sign-in) for each; codes and pending sign-ins are gone.
    // Registered clients do not expire here (their lifetime is the registration's own rule): no new ones.
    const bound = { clients: daily[0]!.clients, grants: 2 * clients.length, refreshTokens: 2 * 9 * clients.length, codes: 0, authorizations: 0 };
    for (const counts of daily) {
      expect(counts.clients).toBe(bound.clients);
      expect(counts.grants).toBeLessThanOrEqual(bound.grants);
      expect(counts.refreshTokens).toBeLessThanOrEqual(bound.refreshTokens);
      expect(counts.codes).toBe(bound.codes);
      expect(counts.authorizations).toBe(bound.authorizations);
    }
    // Steady: the last day holds no more than the third.
    for (const spec of Object.values(CONTAINERS)) expect(daily[6]![spec.id]).toBeLessThanOrEqual(daily[2]![spec.id]!);
  }, 120_000);
});
