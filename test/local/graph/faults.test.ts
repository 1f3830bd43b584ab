import { LOCAL_USERS } from '../../../src/local/defaults.js';
import { startEntraEmulator } from '../../../src/local/entra/index.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/local/graph/index.js';
import { graphTokenOnBehalfOf, signIn } from './tokens.js';

type Entra = Awaited<ReturnType<typeof startEntraEmulator>>;
const [adele, admin] = LOCAL_USERS;

describe('Graph emulator: fault injection and counters', () => {
  let entra: Entra;
  let graph: GraphEmulator;
  let adeleToken: string;
  let adminToken: string;

  beforeAll(async () => {
    entra = await startEntraEmulator();
    graph = await startGraphEmulator({ entra: { url: entra.url, tenantId: entra.tenantId } });
    adeleToken = await graphTokenOnBehalfOf(entra, await signIn(entra, adele.username));
    adminToken = await graphTokenOnBehalfOf(entra, await signIn(entra, admin.username));
  });
  afterAll(async () => {
    await graph?.close();
    await entra?.close();
  });
  afterEach(() => {
    graph.clearFaults();
    graph.resetCounters();
  });

  const me = (token: string, path = '/v1.0/me') => fetch(`${graph.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  test('429 TooManyRequests with Retry-After for the next N requests, then normal again', async () => {
    const fault = graph.failNext({ status: 429, count: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const res = await me(adeleToken);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await codeOf(res)).toBe('TooManyRequests');
    }
    expect(fault.remaining).toBe(0);
    expect((await me(adeleToken)).status).toBe(200);
    expect(graph.counters).toMatchObject({ requests: 3, faults: 2, byStatus: { 429: 2, 200: 1 } });
  });

  test("429 with Graph's activityLimitReached code", async () => {
    graph.failNext({ status: 429, code: 'activityLimitReached' });
    const res = await me(adeleToken);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await codeOf(res)).toBe('activityLimitReached');
  });

  test('503 serviceNotAvailable with Retry-After', async () => {
    graph.failNext({ status: 503 });
    const res = await me(adeleToken);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await codeOf(res)).toBe('serviceNotAvailable');
  });

  test('403 Authorization_RequestDenied for one user only (by UPN or oid)', async () => {
    graph.failNext({ status: 403, user: admin.username, count: 1 });
    expect((await me(adeleToken)).status).toBe(200);
    const denied = await me(adminToken);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('retry-after')).toBeNull();
    expect(await codeOf(denied)).toBe('Authorization_RequestDenied');
    expect((await me(adminToken)).status).toBe(200);

    graph.failNext({ status: 403, user: adele.oid });
    expect((await me(adeleToken)).status).toBe(403);
    expect(graph.counters.byUser).toEqual({ [adele.oid]: 2, [admin.oid]: 2 });
  });

  test('a fault for one path leaves the others alone', async () => {
    graph.failNext({ status: 503, path: '/v1.0/me/memberOf' });
    expect((await me(adeleToken)).status).toBe(200);
    expect((await me(adeleToken, '/v1.0/me/memberOf')).status).toBe(503);
    expect((await me(adeleToken, '/v1.0/me/memberOf')).status).toBe(200);
    expect(graph.counters.byPath).toEqual({ '/v1.0/me': 1, '/v1.0/me/memberof': 2 });
  });

  test('an unauthenticated request never consumes a fault, and a cancelled fault never fires', async () => {
    const fault = graph.failNext({ status: 429 });
    expect((await fetch(`${graph.url}/v1.0/me`)).status).toBe(401);
    expect(fault.remaining).toBe(1);
    fault.cancel();
    expect((await me(adeleToken)).status).toBe(200);
  });

  test('rejects a fault it cannot express', () => {
    expect(() => graph.failNext({ status: 500 as 503 })).toThrow(RangeError);
    expect(() => graph.failNext({ status: 429, count: 0 })).toThrow(RangeError);
  });
});
