import { performance } from 'node:perf_hooks';
import { MCP_POST_HEADERS, toolCallBody, type BenchStack } from './signed-in-stack.js';
import { fmt, summarise, table } from './stats.js';

export interface LoadOptions {
  /** Concurrent streamable-HTTP sessions, all started at once. */
  sessions: number;
  /** `tools/call`s per session, one after another. */
  callsPerSession: number;
  /** A request that takes longer fails as a timeout (so the run always ends). */
  requestTimeoutMs: number;
  /** At most this many sessions opening at once (the ramp). */
  rampConcurrency: number;
}

export const LOAD_DEFAULTS: LoadOptions = { sessions: 500, callsPerSession: 20, requestTimeoutMs: 60_000, rampConcurrency: 50 };

export interface LoadResult {
  report: string;
  callsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

const MB = 1024 * 1024;

/**
 * Many MCP clients at once through the gateway, over raw HTTP: `sessions` sessions each `initialize`
 * (keeping the `Mcp-Session-Id` it is given) and send `notifications/initialized`, then all of them call
 * `whoami` `callsPerSession` times each, all with the one access token of the bench's signed-in user. Bounded by
 * count; a failed call is counted by kind (HTTP status, JSON-RPC error, tool error, timeout, network)
 * and the run goes on. RSS is that of this one process, which holds the whole stack and the callers.
 */
export async function benchLoad(bench: BenchStack, options: LoadOptions = LOAD_DEFAULTS): Promise<LoadResult> {
  const url = bench.stack.urls.mcp;
  const auth = { authorization: `Bearer ${bench.accessToken}` };
  const errors = new Map<string, number>();
  const fail = (kind: string) => errors.set(kind, (errors.get(kind) ?? 0) + 1);
  const callLatencies: number[] = [];
  const initLatencies: number[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);

  async function post(body: string, sessionId?: string): Promise<{ status: number; text: string; sessionId: string | null } | undefined> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...MCP_POST_HEADERS, ...auth, ...(sessionId ? { 'mcp-session-id': sessionId } : {}) },
        body,
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      });
      return { status: response.status, text: await response.text(), sessionId: response.headers.get('mcp-session-id') };
    } catch (error) {
      fail(error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : `network ${(error as { cause?: { code?: string } }).cause?.code ?? 'error'}`);
      return undefined;
    }
  }

  /** Whether a reply is a success; a failure is counted by kind. */
  function judge(reply: { status: number; text: string } | undefined): boolean {
    if (!reply) return false; // counted where it failed
    const kind =
      reply.status !== 200
        ? `HTTP ${reply.status}`
        : reply.text.includes('"error":{')
          ? 'JSON-RPC error'
          : reply.text.includes('"isError":true')
            ? 'tool error'
            : undefined;
    if (kind) fail(kind);
    return kind === undefined;
  }

  /** Phase 1: `initialize` and `notifications/initialized`; the session id, or undefined when it failed. */
  async function open(index: number): Promise<string | undefined | false> {
    const init = JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: `load-${index}`, version: '0' } },
    });
    const t0 = performance.now();
    const initialized = await post(init);
    initLatencies.push(performance.now() - t0);
    if (!judge(initialized)) return false;
    const sessionId = initialized!.sessionId ?? undefined;
    const ack = await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), sessionId);
    if (ack && ack.status !== 202) fail(`HTTP ${ack.status} (notification)`);
    return sessionId;
  }

  /** Phase 2: the session's tool calls, one after another. */
  async function work(sessionId: string | undefined): Promise<void> {
    for (let call = 1; call <= options.callsPerSession; call++) {
      const t0 = performance.now();
      const ok = judge(await post(toolCallBody(call), sessionId));
      if (ok) callLatencies.push(performance.now() - t0);
    }
  }

  global.gc?.();
  const before = process.memoryUsage();
  // Sessions open in a ramp (at most `rampConcurrency` initializes in flight), as clients connect over
  // time; then every session calls at once. Opening all of them in one burst measures mostly a
  // connection storm on the one shared event loop (load generator, gateway and extension alike), in
  // which connections accepted late starve behind sessions already at work.
  const opening = performance.now();
  const ids: (string | undefined | false)[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.rampConcurrency, options.sessions) }, async () => {
      while (next < options.sessions) {
        const index = next++;
        ids[index] = await open(index);
      }
    }),
  );
  const openMs = performance.now() - opening;
  const started = performance.now();
  await Promise.all(ids.map((id) => (id === false ? undefined : work(id))));
  const elapsedMs = performance.now() - started;
  clearInterval(sampler);
  const after = process.memoryUsage();
  global.gc?.();
  const settled = process.memoryUsage();

  const calls = summarise({ latenciesMs: callLatencies, elapsedMs });
  const inits = summarise({ latenciesMs: initLatencies, elapsedMs: openMs });
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const errorLines = errors.size === 0 ? ['errors: none'] : ['errors by kind:', ...[...errors].map(([k, n]) => `  ${k}: ${n}`)];
  const report = [
    table([
      ['request', 'ok', 'per s', 'p50 ms', 'p95 ms', 'p99 ms'],
      ['initialize', inits.count, inits.perSecond, inits.p50, inits.p95, inits.p99],
      ['tools/call whoami', calls.count, calls.perSecond, calls.p50, calls.p95, calls.p99],
    ]),
    `${options.sessions} sessions opened in ${fmt(openMs / 1000)} s (at most ${options.rampConcurrency} at once), ` +
      `then ${options.sessions} x ${options.callsPerSession} calls all in flight at once in ${fmt(elapsedMs / 1000)} s`,
    ...errorLines,
    `RSS: before ${fmt(before.rss / MB)} MB, peak ${fmt(Math.max(peakRss, after.rss) / MB)} MB, after ${fmt(after.rss / MB)} MB` +
      (global.gc ? `, after GC ${fmt(settled.rss / MB)} MB` : ' (run node with --expose-gc for a figure after GC)'),
    `heap used: before ${fmt(before.heapUsed / MB)} MB, after ${fmt(after.heapUsed / MB)} MB`,
  ].join('\n');
  return { report, callsPerSecond: calls.perSecond, p50: calls.p50, p99: calls.p99, errors: errorCount };
}
