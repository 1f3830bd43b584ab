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
  /** The same for the floor (`floor-app.ts`: the hops without the gateway's work)... */
  floorThroughputRatio: PairedRatio;
  /** ...and the gateway's throughput as a fraction of the floor's: its own work. */
  gatewayVsFloor: PairedRatio;
  gatewayCosmosRequests: number;
}

const PATHS = ['direct', 'floor', 'gateway'] as const;
type PathName = (typeof PATHS)[number];

/**
 * An authenticated `tools/call` of `whoami` through `POST /mcp` (token check, grant cache, session
 * header, forward) versus the same call straight to the extension endpoint with the system key and
 * the session header the gateway would have added (baseline: the tool does identical work), and
 * through the floor app, which takes the gateway's hops without doing its work.
 */
export async function benchHotPath(bench: BenchStack, options: HotPathOptions = HOT_PATH_DEFAULTS): Promise<HotPathResult> {
  const session = await bench.sessionHeader();
  const callers: Record<PathName, () => Promise<void>> = {
    direct: caller(bench.extensionUrl, { 'x-functions-key': bench.extensionKey, 'x-mcp-gateway-session': session }),
    floor: caller(`${bench.floorUrl}/mcp`, {}),
    gateway: caller(bench.stack.urls.mcp, { authorization: `Bearer ${bench.accessToken}` }),
  };
  for (const name of PATHS) await runConcurrent(options.warmup, options.concurrency, callers[name]);

  const perRound = Math.ceil(options.measure / options.rounds);
  const samples: Record<PathName, Sample[]> = { direct: [], floor: [], gateway: [] };
  const cosmos: Record<PathName, number> = { direct: 0, floor: 0, gateway: 0 };
  const kinds: Record<PathName, string[]> = { direct: [], floor: [], gateway: [] };
  for (let round = 0; round < options.rounds; round++) {
    for (const name of PATHS) {
      const before = { count: bench.cosmos.count, kinds: bench.cosmos.byKind() };
      samples[name].push(await runConcurrent(perRound, options.concurrency, callers[name]));
      const added = bench.cosmos.count - before.count;
      cosmos[name] += added;
      if (added > 0) kinds[name].push(`round ${round + 1}: ${describeDelta(before.kinds, bench.cosmos.byKind())}`);
    }
  }
  const labels: Record<PathName, string> = { direct: 'direct  /runtime/webhooks/mcp', floor: 'floor   POST /floor/mcp', gateway: 'gateway POST /mcp' };
  const figures = table([
    [...LATENCY_HEADER, 'cosmos reqs'],
    ...PATHS.map((name) => [...latencyRow(labels[name], summarise(merge(samples[name]))), cosmos[name]]),
  ]);
  const windows = PATHS.flatMap((name) => kinds[name].map((k) => `  cosmos during ${name} ${k}`));
  const seconds = (name: PathName) => `${name} ${(merge(samples[name]).elapsedMs / 1000).toFixed(1)} s`;
  const footnote = `measured windows: ${PATHS.map(seconds).join(', ')}`;
  const perSecond = (x: { perSecond: number }) => x.perSecond;
  return {
    report: [figures, footnote, ...windows].join('\n'),
    throughputRatio: pairedRatio(samples.gateway, samples.direct, perSecond),
    p50Ratio: pairedRatio(samples.gateway, samples.direct, (x) => x.p50),
    floorThroughputRatio: pairedRatio(samples.floor, samples.direct, perSecond),
    gatewayVsFloor: pairedRatio(samples.gateway, samples.floor, perSecond),
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
