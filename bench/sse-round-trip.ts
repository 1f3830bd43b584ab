import { performance } from 'node:perf_hooks';
import { LATENCY_HEADER, latencyRow, merge, pairedRatio, summarise, table, type PairedRatio, type Sample } from './stats.js';
import type { BenchStack } from './signed-in-stack.js';

const WHOAMI = { name: 'whoami', arguments: {} };

export interface SseOptions {
  warmup: number;
  measure: number;
  rounds: number;
}

export const SSE_DEFAULTS: SseOptions = { warmup: 50, measure: 600, rounds: 4 };

export interface SseResult {
  report: string;
  /** Gateway p50 round trip as a multiple of the direct one. */
  p50Ratio: PairedRatio;
  /** The floor's (the same hops without the gateway's work, `floor-app.ts`) as a multiple of the direct one. */
  floorP50Ratio: PairedRatio;
}

const PATHS = ['direct', 'floor', 'gateway'] as const;

/**
 * Legacy SSE: time from a `tools/call` POST to the message endpoint until its response event arrives
 * on the open stream, one call at a time, through `/mcp/sse` + `/mcp/message` versus straight to the
 * extension's `/sse` + `/message` (system key and the gateway's session header on the GET).
 */
export async function benchSse(bench: BenchStack, options: SseOptions = SSE_DEFAULTS): Promise<SseResult> {
  const session = await bench.sessionHeader();
  const streams = {
    direct: await openSession(`${bench.extensionUrl}/sse`, { 'x-functions-key': bench.extensionKey, 'x-mcp-gateway-session': session }),
    floor: await openSession(`${bench.floorUrl}/sse`, {}),
    gateway: await openSession(bench.stack.urls.mcpSse, { authorization: `Bearer ${bench.accessToken}` }),
  };
  try {
    for (const s of Object.values(streams)) await s.roundTrips(options.warmup);
    const samples = { direct: [] as Sample[], floor: [] as Sample[], gateway: [] as Sample[] };
    const perRound = Math.ceil(options.measure / options.rounds);
    for (let round = 0; round < options.rounds; round++) {
      for (const name of PATHS) samples[name].push(await streams[name].roundTrips(perRound));
    }
    const labels = { direct: 'direct  /runtime/webhooks/mcp/sse', floor: 'floor   /floor/sse', gateway: 'gateway /mcp/sse' };
    const report = table([LATENCY_HEADER, ...PATHS.map((name) => latencyRow(labels[name], summarise(merge(samples[name]))))]);
    const p50 = (x: { p50: number }) => x.p50;
    return { report, p50Ratio: pairedRatio(samples.gateway, samples.direct, p50), floorP50Ratio: pairedRatio(samples.floor, samples.direct, p50) };
  } finally {
    await Promise.all(Object.values(streams).map((s) => s.close()));
  }
}

interface SseSession {
  roundTrips(count: number): Promise<Sample>;
  close(): Promise<void>;
}

/** Opens the stream, reads the endpoint event, initializes, and returns a sequential caller. */
async function openSession(sseUrl: string, headers: Record<string, string>): Promise<SseSession> {
  const abort = new AbortController();
  const response = await fetch(sseUrl, { headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal });
  if (response.status !== 200 || !response.body) throw new Error(`GET ${new URL(sseUrl).pathname} answered ${response.status}`);
  const events = eventReader(response.body);
  const endpoint = await events.until((e) => e.event === 'endpoint');
  const messageUrl = new URL(endpoint.data, sseUrl).href;
  const post = async (body: string) => {
    const reply = await fetch(messageUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
    await reply.text();
    if (reply.status !== 202) throw new Error(`POST ${new URL(messageUrl).pathname} answered ${reply.status}`);
  };
  let nextId = 1;
  /** Sends a JSON-RPC request and resolves with its response event's data. */
  const request = async (method: string, params: unknown): Promise<string> => {
    const id = nextId++;
    const answered = events.until((e) => e.event === 'message' && responseId(e.data) === id);
    answered.catch(() => undefined); // if the POST fails, that error is the one reported
    await post(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return (await answered).data;
  };
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1.0.0' } });
  await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));

  return {
    async roundTrips(count) {
      const latenciesMs: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < count; i++) {
        const start = performance.now();
        const data = await request('tools/call', WHOAMI);
        latenciesMs.push(performance.now() - start);
        if (!data.includes('"result"') || data.includes('"isError":true')) throw new Error(`${new URL(sseUrl).pathname}: the tool call failed`);
      }
      return { latenciesMs, elapsedMs: performance.now() - t0 };
    },
    async close() {
      abort.abort();
      await events.cancel();
    },
  };
}

function responseId(data: string): unknown {
  try {
    return (JSON.parse(data) as { id?: unknown }).id;
  } catch {
    return undefined;
  }
}

interface SseEvent {
  event: string;
  data: string;
}

/** A minimal event-stream reader: `until` resolves with the next event that matches (others are skipped). */
function eventReader(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<SseEvent> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          block
            .split('\n')
            .filter((l) => l.startsWith(`${name}:`))
            .map((l) => l.slice(name.length + 1).trimStart())
            .join('\n');
        return { event: field('event') || 'message', data: field('data') };
      }
      const { done, value } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += value;
    }
  };
  // One reader at a time: requests are sequential, so each `until` owns the stream until it matches.
  return {
    async until(match: (e: SseEvent) => boolean): Promise<SseEvent> {
      for (;;) {
        const event = await next();
        if (match(event)) return event;
      }
    },
    cancel: () => reader.cancel().catch(() => undefined),
  };
}
