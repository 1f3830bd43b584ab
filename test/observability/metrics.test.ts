import { Readable } from 'node:stream';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../src/local/defaults.js';
import { authorizeInBrowser } from '../support/browser-flow.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { CookieJar } from '../support/browser.js';
import { clientMetadata, MemoryOAuthProvider, signInThroughBrowser, type BrowserTrace } from '../integration/auth-flow-client.js';
import { openSse } from '../integration/mcp-gateway-support.js';
import { guardStream } from '../../src/mcp/stream-guard.js';
import { sseSessionOpened } from '../../src/observability/metrics.js';

/** Collects on demand (the SDK's readers are abstract; this one exports nowhere). */
class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const CLIENT_REDIRECT = 'http://127.0.0.1:33419/oauth/callback';
const [USER, ADMIN] = LOCAL_USERS;
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * The gateway's metrics and dependency spans on the real local stack (sign-in, tool call with OBO and
 * Graph, refreshes, a reuse, an SSE session). The modules under test were loaded (this file's imports)
 * before the providers below are registered, as in Azure where telemetry starts without being awaited.
 */
describe('metrics and dependency spans of a session', () => {
  let stack: LocalStack;
  const spans = new InMemorySpanExporter();
  const reader = new TestReader();
  beforeAll(async () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    stack = await startLocalStack({ gatewayPort: 0, log: () => {} });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  async function collected(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await reader.collect();
    const out = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
    return out;
  }
  /** The sum of a counter's points whose attributes include `match`. */
  function sum(all: Map<string, MetricData>, name: string, match: Record<string, unknown> = {}): number {
    const points = (all.get(name)?.dataPoints ?? []) as DataPoint<unknown>[];
    return points
      .filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v))
      .reduce((total, p) => total + (typeof p.value === 'number' ? p.value : (p.value as { count: number }).count), 0);
  }
  const token = (params: Record<string, string>) =>
    fetch(`${stack.urls.gateway}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
  const callTool = (accessToken: string, name: string) =>
    fetch(stack.urls.mcp, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } }),
    });

  test('an SSE session counts as open until its stream ends, however it ends, and only once', async () => {
    const open = async () => sum(await collected(), 'gateway.sse.sessions.open');
    const source = (chunks: number) =>
      new Readable({
        read() {
          for (let i = 0; i < chunks; i++) this.push(new Uint8Array([i]));
          if (chunks < 2) this.push(null);
        },
      });
    const guarded = (chunks: number) => guardStream(source(chunks), { stillAuthorised: async () => true, intervalMs: 60_000, onEnd: sseSessionOpened() });
    const base = await open();
    const ending = guarded(1);
    const cancelled = guarded(2);
    expect(await open()).toBe(base + 2);
    for await (const chunk of ending) expect(chunk).toBeInstanceOf(Uint8Array); // read to its end
    expect(await open()).toBe(base + 1);
    await cancelled.return!(undefined); // the client went away
    await cancelled.return!(undefined);
    expect(await open()).toBe(base);
  });

  test('sign-in, OBO and Graph, refreshes, rejections and SSE sessions are counted; no secret in any attribute', async () => {
    const jar = new CookieJar();
    const browser: BrowserTrace = { urls: [], consentShown: false };
    const provider = new MemoryOAuthProvider(CLIENT_REDIRECT, clientMetadata(CLIENT_REDIRECT, 'none'));
    const serverUrl = stack.urls.mcp;
    expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
    const redirect = await signInThroughBrowser(jar, provider.authorizationUrl!.toString(), browser, USER.username);
    const code = redirect.searchParams.get('code')!;
    expect(await auth(provider, { serverUrl, authorizationCode: code })).toBe('AUTHORIZED');
    const first = provider.saved as OAuthTokens;
    const clientId = provider.information!.client_id;

    const called = await callTool(first.access_token, 'get_graph_user_details');
    expect(called.status).toBe(200);
    expect(await called.text()).toContain(USER.username);

    // first → second, a retry of first inside the grace window, second → third, then first again: reuse.
    expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
    const second = provider.saved as OAuthTokens;
    const retried = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: clientId });
    expect(((await retried.json()) as OAuthTokens).refresh_token).toBe(second.refresh_token);
    expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
    const reuse = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: clientId });
    expect(reuse.status).toBe(400);

    const before = await collected();
    expect(sum(before, 'gateway.sse.sessions.open')).toBe(0);
    const fresh = new MemoryOAuthProvider(CLIENT_REDIRECT, clientMetadata(CLIENT_REDIRECT, 'none'));
    expect(await auth(fresh, { serverUrl })).toBe('REDIRECT');
    // A Conditional Access policy blocks Graph (not the gateway) for the second user: the OBO exchange fails.
    stack.entra.directory.conditionalAccess.push({ id: 'block-graph', users: [ADMIN.username], resources: [GRAPH_APP_ID], grant: 'block' });
    const again = await signInThroughBrowser(jar, fresh.authorizationUrl!.toString(), browser, ADMIN.username);
    expect(await auth(fresh, { serverUrl, authorizationCode: again.searchParams.get('code')! })).toBe('AUTHORIZED');
    const blocked = await callTool((fresh.saved as OAuthTokens).access_token, 'get_graph_user_details');
    expect(await blocked.text()).toContain('AADSTS53003');
    const sse = await openSse(`${stack.urls.mcp}/sse`, (fresh.saved as OAuthTokens).access_token);
    let whileOpen: number;
    try {
      whileOpen = sum(await collected(), 'gateway.sse.sessions.open');
    } finally {
      await sse.close();
    }
    expect(whileOpen).toBe(1);
    const noToken = await fetch(stack.urls.mcp, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(401);
    const badToken = await callTool('not-a-token-of-this-gateway', 'whoami');
    expect(badToken.status).toBe(401);

    // The user cancels Entra's own consent step: Entra answers the callback with AADSTS65004.
    const gatewayApp = stack.entra.directory.apps.find((a) => a.appId === LOCAL_GATEWAY_APP.clientId)!;
    gatewayApp.adminConsented = false;
    const declining = new MemoryOAuthProvider(CLIENT_REDIRECT, clientMetadata(CLIENT_REDIRECT, 'none'));
    expect(await auth(declining, { serverUrl })).toBe('REDIRECT');
    const declined = await authorizeInBrowser(declining.authorizationUrl!.href, { username: USER.username, entraConsent: 'cancel' });
    expect(declined.redirect.searchParams.get('error')).toBe('access_denied');

    const all = await collected();
    expect(sum(all, 'gateway.signins', { 'gateway.signin.stage': 'started' })).toBe(3);
    expect(sum(all, 'gateway.signins', { 'gateway.signin.stage': 'failed' })).toBe(1);
    expect(sum(all, 'gateway.signins', { 'gateway.signin.stage': 'failed', 'gateway.signin.reason': 'entra_error', 'entra.aadsts_code': '65004' })).toBe(1);
    expect(sum(all, 'gateway.signins', { 'gateway.signin.stage': 'completed' })).toBe(2);
    expect(sum(all, 'gateway.tokens.issued', { 'oauth.grant_type': 'authorization_code' })).toBe(2);
    expect(sum(all, 'gateway.tokens.issued', { 'oauth.grant_type': 'refresh_token' })).toBe(3);
    expect(sum(all, 'gateway.refreshes', { 'gateway.refresh.outcome': 'rotated' })).toBe(2);
    expect(sum(all, 'gateway.refreshes', { 'gateway.refresh.outcome': 'grace_retry' })).toBe(1);
    expect(sum(all, 'gateway.refreshes', { 'gateway.refresh.outcome': 'reuse_detected' })).toBe(1);
    expect(sum(all, 'gateway.rejections', { 'faas.name': 'token', 'http.response.status_code': 400, 'oauth.error': 'invalid_grant' })).toBe(1);
    // No credentials: the challenge names no error (RFC 6750 §3.1), so the status stands in for it.
    expect(sum(all, 'gateway.rejections', { 'faas.name': 'mcp', 'http.response.status_code': 401, 'oauth.error': 'http_401' })).toBe(1);
    expect(sum(all, 'gateway.rejections', { 'faas.name': 'mcp', 'http.response.status_code': 401, 'oauth.error': 'invalid_token' })).toBe(1);
    expect(sum(all, 'gateway.obo.duration', { 'gateway.outcome': 'ok' })).toBe(1);
    expect(sum(all, 'gateway.obo.duration', { 'gateway.outcome': 'error' })).toBe(1);
    expect(sum(all, 'gateway.obo.failures')).toBe(1);
    expect(sum(all, 'gateway.obo.failures', { 'gateway.obo.failure': 'blocked', 'entra.aadsts_code': '53003' })).toBe(1);
    expect(sum(all, 'gateway.forward.duration', { 'gateway.mcp.endpoint': 'streamable', 'http.response.status_code': 200 })).toBeGreaterThanOrEqual(1);
    expect(sum(all, 'gateway.forward.duration', { 'gateway.mcp.endpoint': 'sse', 'http.response.status_code': 200 })).toBe(1);

    const finished = spans.getFinishedSpans();
    const named = (name: string) => finished.filter((s) => s.name === name);
    const callback = finished.find((s) => s.name === 'gateway callback' && s.attributes['gateway.client_id'] === clientId)!;
    const [redeemed] = named('entra redeem code').filter((s) => s.parentSpanContext?.spanId === callback.spanContext().spanId);
    expect(redeemed?.attributes).toEqual({ 'gateway.outcome': 'ok' });
    const scope = `${GRAPH_APP_ID}/User.Read`;
    expect(named('entra obo').map((s) => [s.attributes, s.status.code])).toEqual([
      [{ 'gateway.obo.scope': scope, 'gateway.outcome': 'ok' }, SpanStatusCode.UNSET],
      [
        { 'gateway.obo.scope': scope, 'gateway.outcome': 'error', 'error.type': 'OboError', 'entra.aadsts_code': '53003', 'gateway.obo.failure': 'blocked' },
        SpanStatusCode.ERROR,
      ],
    ]);
    expect(named('graph GET /v1.0/me').map((s) => s.attributes)).toEqual([{ 'http.request.method': 'GET', 'url.path': '/v1.0/me', 'gateway.outcome': 'ok' }]);
    expect(named('mcp forward')[0]?.attributes).toMatchObject({
      'gateway.mcp.endpoint': 'streamable',
      'http.response.status_code': 200,
      'gateway.outcome': 'ok',
    });

    const secrets = [code, again.searchParams.get('code')!, provider.verifier!, fresh.verifier!, ...jar.seenValues];
    for (const t of [first, second, provider.saved as OAuthTokens, fresh.saved as OAuthTokens]) secrets.push(t.access_token, t.refresh_token!);
    for (const url of browser.urls) for (const name of ['code', 'state']) secrets.push(new URL(url).searchParams.get(name) ?? '');
    secrets.push(stack.env.COOKIE_SECRET!, stack.env.MCP_EXTENSION_KEY!);
    secrets.push(declining.verifier!);
    for (const url of declined.visited) for (const name of ['code', 'state']) secrets.push(new URL(url).searchParams.get(name) ?? '');
    const text = JSON.stringify([
      finished.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
      [...all.values()].map((m) => m.dataPoints.map((p) => p.attributes)),
    ]);
    expect(secrets.filter((s) => s.length >= 16 && text.includes(s))).toEqual([]);
  });
});
