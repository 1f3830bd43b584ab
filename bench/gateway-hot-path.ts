import { LATENCY_HEADER, latencyRow, merge, pairedRatio, runConcurrent, summarise, table, type PairedRatio, type Sample } from './stats.js';
import { describeDelta } from './cosmos-counter.js';
import { MCP_POST_HEADERS, toolCallBody, type BenchStack } from './signed-in-stack.js';

export interface HotPathOptions {
  warmup: number;
  measure: number;
  concurrency: number;
  /** The measured requests of each path are split into this many alternating rounds (evens out drift). */
  rounds: number;
}

export const HOT_PATH_DEFAULTS: HotPathOptions = { warmup: 200, measure: 2000, concurrency: 8, rounds: 4 };

export interface HotPathResult {
  report: string;
  /** Gateway throughput as a fraction of the direct path's, and p50 latency as a multiple of it. */
  throughputRatio: PairedRatio;
  p50Ratio: PairedRatio;
  gatewayCosmosRequests: number;
}

/**
 * An authenticated `tools/call` of `whoami` through `POST /mcp` (token check, grant cache, session
 * header, forward) versus the same call straight to the extension endpoint with the system key and
 * the session header the gateway would have added (baseline: the tool does identical work).
 */
export async function benchHotPath(bench: BenchStack, options: HotPathOptions = HOT_PATH_DEFAULTS): Promise<HotPathResult> {
  const session = await bench.sessionHeader();
  const gateway = caller(bench.stack.urls.mcp, { authorization: `Bearer ${bench.accessToken}` });
  const direct = caller(bench.extensionUrl, { 'x-functions-key': bench.extensionKey, 'x-mcp-gateway-session': session });

  await runConcurrent(options.warmup, options.concurrency, direct);
  await runConcurrent(options.warmup, options.concurrency, gateway);

  const perRound = Math.ceil(options.measure / options.rounds);
  const samples = { gateway: [] as Sample[], direct: [] as Sample[] };
  const cosmos = { gateway: 0, direct: 0 };
  const kinds = { gateway: [] as string[], direct: [] as string[] };
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, fn] of [
      ['direct', direct],
      ['gateway', gateway],
    ] as const) {
      const before = { count: bench.cosmos.count, kinds: bench.cosmos.byKind() };
      samples[name].push(await runConcurrent(perRound, options.concurrency, fn));
      const added = bench.cosmos.count - before.count;
      cosmos[name] += added;
      if (added > 0) kinds[name].push(`round ${round + 1}: ${describeDelta(before.kinds, bench.cosmos.byKind())}`);
    }
  }
  const g = summarise(merge(samples.gateway));
  const d = summarise(merge(samples.direct));
  const figures = table([
    [...LATENCY_HEADER, 'cosmos reqs'],
    [...latencyRow('direct  /runtime/webhooks/mcp', d), cosmos.direct],
    [...latencyRow('gateway POST /mcp', g), cosmos.gateway],
  ]);
  const windows = (['direct', 'gateway'] as const).flatMap((name) => kinds[name].map((k) => `  cosmos during ${name} ${k}`));
  const seconds = (s: Sample[]) => merge(s).elapsedMs / 1000;
  const footnote = `measured windows: direct ${seconds(samples.direct).toFixed(1)} s, gateway ${seconds(samples.gateway).toFixed(1)} s`;
  const report = [figures, footnote, ...windows].join('\n');
  return {
    report,
    throughputRatio: pairedRatio(samples.gateway, samples.direct, (x) => x.perSecond),
    p50Ratio: pairedRatio(samples.gateway, samples.direct, (x) => x.p50),
    gatewayCosmosRequests: cosmos.gateway,
  };
}

/** A caller that POSTs the tool call and checks the reply is a tool result, not an error. */
function caller(url: string, headers: Record<string, string>): () => Promise<void> {
  let id = 1;
  return async () => {
    const response = await fetch(url, { method: 'POST', headers: { ...MCP_POST_HEADERS, ...headers }, body: toolCallBody(id++) });
    const text = await response.text();
    // A broken path must not be timed as a fast one.
    if (response.status !== 200 || !text.includes('"result"') || text.includes('"isError":true')) {
      throw new Error(`${new URL(url).pathname} answered ${response.status} without a successful tool result`);
    }
  };
}
