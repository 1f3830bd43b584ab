import { createServer } from 'node:net';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createGraphClient, GraphRequestError } from '../../src/entra/graph.js';
import { LOCAL_USERS } from '../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../src/local/entra/index.js';
import { startGraphEmulator, type GraphEmulator } from '../../src/local/graph/index.js';
import { graphTokenOnBehalfOf, signIn } from '../local/graph/tokens.js';

const ADELE = LOCAL_USERS[0];

describe('Graph client against the Graph emulator', () => {
  let entra: EntraEmulator;
  let graph: GraphEmulator;
  let token: string;
  const waits: number[] = [];
  const client = () => createGraphClient({ baseUrl: graph.url, wait: async (ms) => void waits.push(ms) });

  beforeAll(async () => {
    entra = await startEntraEmulator();
    graph = await startGraphEmulator({ entra: { url: entra.url, tenantId: entra.tenantId }, directory: entra.directory });
    token = await graphTokenOnBehalfOf(entra, await signIn(entra, ADELE.username));
  });
  afterAll(async () => {
    await graph.close();
    await entra.close();
  });
  beforeEach(() => {
    waits.length = 0;
    graph.clearFaults();
    graph.resetCounters();
  });

  async function failure(promise: Promise<unknown>): Promise<GraphRequestError> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GraphRequestError);
    return err as GraphRequestError;
  }

  test('GET /v1.0/me returns the profile', async () => {
    const me = await client().get<{ displayName: string; userPrincipalName: string; id: string }>('/v1.0/me', token);
    expect(me).toMatchObject({ displayName: ADELE.name, userPrincipalName: ADELE.username, id: ADELE.oid });
  });

  test('a throttled request with a short Retry-After is retried once, after waiting that long', async () => {
    graph.failNext({ status: 429, retryAfterSeconds: 1 });
    await expect(client().get('/v1.0/me', token)).resolves.toMatchObject({ id: ADELE.oid });
    expect(waits).toEqual([1000]);
    expect(graph.counters.byPath['/v1.0/me']).toBe(2);
  });

  test('a long Retry-After is not waited for: the error carries it', async () => {
    graph.failNext({ status: 429, retryAfterSeconds: 120 });
    const err = await failure(client().get('/v1.0/me', token));
    expect(err).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 120 });
    expect(waits).toEqual([]);
    expect(graph.counters.byPath['/v1.0/me']).toBe(1);
  });

  test("only one retry: a second 503 is reported with Graph's code", async () => {
    graph.failNext({ status: 503, count: 2, retryAfterSeconds: 0 });
    const err = await failure(client().get('/v1.0/me', token));
    expect(err).toMatchObject({ status: 503, code: 'serviceNotAvailable', retryAfterSeconds: 0 });
    expect(graph.counters.byPath['/v1.0/me']).toBe(2);
  });

  test('403 is not retried', async () => {
    graph.failNext({ status: 403 });
    const err = await failure(client().get('/v1.0/me', token));
    expect(err).toMatchObject({ status: 403, code: 'Authorization_RequestDenied' });
    expect(graph.counters.byPath['/v1.0/me']).toBe(1);
  });

  test("a token Graph does not accept is Graph's 401, and the error does not hold the token", async () => {
    const err = await failure(client().get('/v1.0/me', `${token}x`));
    expect(err).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
    expect(`${err.message} ${JSON.stringify(err)}`).not.toContain(token);
  });

  test("each request is a span with Graph's status and error code on failure, never the token or the query", async () => {
    const spans = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    await client().get('/v1.0/me?$select=id', token);
    await failure(client().post('/v1.0/me/checkMemberGroups', { groupIds: [] }, `${token}x`));
    expect(spans.getFinishedSpans().map((s) => [s.name, s.attributes, s.status.code])).toEqual([
      ['graph GET /v1.0/me', { 'http.request.method': 'GET', 'url.path': '/v1.0/me', 'gateway.outcome': 'ok' }, SpanStatusCode.UNSET],
      [
        'graph POST /v1.0/me/checkMemberGroups',
        {
          'http.request.method': 'POST',
          'url.path': '/v1.0/me/checkMemberGroups',
          'gateway.outcome': 'error',
          'error.type': 'GraphRequestError',
          'http.response.status_code': 401,
          'gateway.graph.error': 'InvalidAuthenticationToken',
        },
        SpanStatusCode.ERROR,
      ],
    ]);
    trace.disable();
  });

  test('an unreachable Graph is status 0, network_error', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const err = await failure(createGraphClient({ baseUrl: `http://127.0.0.1:${port}` }).get('/v1.0/me', token));
    expect(err).toMatchObject({ status: 0, code: 'network_error' });
  });
});
