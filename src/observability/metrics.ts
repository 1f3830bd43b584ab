import { context, metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Meter, type MeterProvider, type Span } from '@opentelemetry/api';
import { aadstsCodeOf } from '../entra/aadsts.js';
import { currentInvocation } from './scope.js';

/**
 * The gateway's metrics and dependency spans (docs/operations.md lists them), through
 * `@opentelemetry/api` only: no-ops until `startTelemetry` registers a provider. Attributes are stages,
 * outcomes, error codes and AADSTS numbers: never a token, code, cookie or secret.
 */
const tracer = trace.getTracer('entra-mcp-gateway');

function createInstruments(meter: Meter) {
  return {
    auditEvents: meter.createCounter('gateway.audit.events', { description: 'Security decisions by event (sign-ins, grants, refusals, revocations)' }),
    invocations: meter.createHistogram('gateway.invocation.duration', {
      unit: 'ms',
      description: 'Duration of each gateway function (authorize, token, mcp forward, …) by outcome',
    }),
    signIns: meter.createCounter('gateway.signins', { description: 'Sign-ins by stage (started, completed, failed) and failure reason' }),
    tokensIssued: meter.createCounter('gateway.tokens.issued', { description: 'Token responses by grant type' }),
    refreshes: meter.createCounter('gateway.refreshes', {
      description: 'Refresh-token presentations by outcome (rotated, grace_retry, reuse_detected, conflict_retry)',
    }),
    rejections: meter.createCounter('gateway.rejections', { description: 'Refused requests (4xx) by function, status and OAuth error code' }),
    oboDuration: meter.createHistogram('gateway.obo.duration', { unit: 'ms', description: 'On-behalf-of exchanges with Entra by outcome' }),
    oboFailures: meter.createCounter('gateway.obo.failures', { description: 'Failed on-behalf-of exchanges by kind and AADSTS code' }),
    forwardDuration: meter.createHistogram('gateway.forward.duration', {
      unit: 'ms',
      description: "Forwarded MCP requests: time to the extension's response headers (first byte), by endpoint and status",
    }),
    sseOpen: meter.createUpDownCounter('gateway.sse.sessions.open', { description: 'Legacy SSE streams open on this instance' }),
  };
}

let current: { provider: MeterProvider; instruments: ReturnType<typeof createInstruments> } | undefined;

/**
 * The instruments of the meter provider registered now. Unlike tracers, `@opentelemetry/api` has no
 * proxy meter: an instrument made before `startTelemetry` registered the SDK's provider (it is not
 * awaited, and modules load first) would stay a no-op for good. So they are made on first use per provider.
 */
export function instruments(): ReturnType<typeof createInstruments> {
  const provider = metrics.getMeterProvider();
  if (current?.provider !== provider) current = { provider, instruments: createInstruments(provider.getMeter('entra-mcp-gateway')) };
  return current.instruments;
}

export type SignInStage = 'started' | 'completed' | 'failed';
export type RefreshOutcome = 'rotated' | 'grace_retry' | 'reuse_detected' | 'conflict_retry';

export function countSignIn(stage: SignInStage, reason?: string, aadsts?: string): void {
  instruments().signIns.add(1, { 'gateway.signin.stage': stage, ...(reason ? { 'gateway.signin.reason': reason } : {}), ...aadstsAttribute(aadsts) });
}

export function countTokensIssued(grantType: string): void {
  instruments().tokensIssued.add(1, { 'oauth.grant_type': grantType });
}

export function countRefresh(outcome: RefreshOutcome): void {
  instruments().refreshes.add(1, { 'gateway.refresh.outcome': outcome });
}

export function countRejection(functionName: string, status: number, error: string): void {
  instruments().rejections.add(1, { 'faas.name': functionName, 'http.response.status_code': status, 'oauth.error': error });
}

/** Counts a legacy SSE stream as open; call the returned function once when it ends. */
export function sseSessionOpened(): () => void {
  const open = instruments().sseOpen;
  open.add(1);
  let ended = false;
  return () => {
    if (!ended) open.add(-1);
    ended = true;
  };
}

/**
 * Runs a call to a dependency (Entra, Graph, the MCP extension) in a child span of the invocation's
 * span. On failure the span names the error type and, for Entra, the AADSTS number (`entra.aadsts_code`),
 * and `failure` may add attributes of its own (a Graph status, an OBO failure kind).
 */
export async function inDependencySpan<T>(
  name: string,
  attributes: Attributes,
  run: (span: Span) => Promise<T>,
  failure: (err: unknown) => Attributes = () => ({}),
): Promise<T> {
  const parent = currentInvocation()?.span;
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent ? trace.setSpan(context.active(), parent) : undefined);
  try {
    const result = await run(span);
    span.setAttribute('gateway.outcome', 'ok');
    return result;
  } catch (err) {
    span.setAttributes({ 'gateway.outcome': 'error', 'error.type': (err as Error)?.name ?? 'unknown', ...aadstsAttribute(aadstsOf(err)), ...failure(err) });
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name });
    throw err;
  } finally {
    span.end();
  }
}

/** The OBO exchange: a span, its latency and, on failure, a count by kind and AADSTS code. */
export async function observeObo<T>(scope: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let outcome = 'ok';
  try {
    return await inDependencySpan('entra obo', { 'gateway.obo.scope': scope }, run, (err) => oboAttributes(err));
  } catch (err) {
    outcome = 'error';
    instruments().oboFailures.add(1, oboAttributes(err));
    throw err;
  } finally {
    instruments().oboDuration.record(performance.now() - started, { 'gateway.outcome': outcome });
  }
}

/** A Graph request: a span with the method, path and, on failure, Graph's status and error code. */
export function observeGraph<T>(method: string, path: string, run: () => Promise<T>): Promise<T> {
  const { pathname } = new URL(path, 'https://graph.invalid');
  return inDependencySpan(`graph ${method} ${pathname}`, { 'http.request.method': method, 'url.path': pathname }, run, (err) => {
    const { status, code } = (err ?? {}) as { status?: unknown; code?: unknown };
    return {
      ...(typeof status === 'number' ? { 'http.response.status_code': status } : {}),
      ...(typeof code === 'string' ? { 'gateway.graph.error': code } : {}),
    };
  });
}

/** Forwarding to the MCP extension: a span and the time to its response headers, by status. */
export async function observeForward<T extends { status: number }>(endpoint: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let status = 0;
  try {
    const result = await inDependencySpan('mcp forward', { 'gateway.mcp.endpoint': endpoint }, async (span) => {
      const answer = await run();
      span.setAttribute('http.response.status_code', answer.status);
      return answer;
    });
    status = result.status;
    return result;
  } finally {
    instruments().forwardDuration.record(performance.now() - started, { 'gateway.mcp.endpoint': endpoint, 'http.response.status_code': status });
  }
}

function aadstsOf(err: unknown): string | undefined {
  const own = (err as { aadsts?: unknown } | undefined)?.aadsts;
  return typeof own === 'string' ? own : aadstsCodeOf(err);
}

function aadstsAttribute(code: string | undefined): Attributes {
  return code ? { 'entra.aadsts_code': code } : {};
}

function oboAttributes(err: unknown): Attributes {
  const kind = (err as { kind?: unknown } | undefined)?.kind;
  return { 'gateway.obo.failure': typeof kind === 'string' ? kind : 'unknown', ...aadstsAttribute(aadstsOf(err)) };
}
