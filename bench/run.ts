// `npm run bench`: performance figures, never pass/fail. Each benchmark compares against a baseline
// measured in the same run and prints a table; a one-line summary of every ratio comes last.
// Usage: node dist/bench/run.js [tokens] [gateway] [sse] [cold] [load]   (no argument: all of them)
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { benchCold, COLD_DEFAULTS } from './cold-start.js';
import { benchHotPath, HOT_PATH_DEFAULTS } from './gateway-hot-path.js';
import { benchLoad, LOAD_DEFAULTS } from './load.js';
import { startBenchStack, type BenchStack } from './signed-in-stack.js';
import { benchSse, SSE_DEFAULTS } from './sse-round-trip.js';
import { fmt, formatRatio } from './stats.js';
import { benchTokens, TOKEN_DEFAULTS } from './token-work.js';

const ALL = ['tokens', 'gateway', 'sse', 'cold', 'load'] as const;
type Name = (typeof ALL)[number];

function selected(): Set<Name> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !(ALL as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; choose from ${ALL.join(', ')}`);
  return new Set((args.length > 0 ? args : ALL) as Name[]);
}

async function main(): Promise<void> {
  const which = selected();
  const started = performance.now();
  const summary: string[] = [];
  console.log(`entra-mcp-gateway bench — node ${process.version}, ${availableParallelism()} CPU(s), loopback, one process`);

  if (which.has('tokens')) {
    const o = TOKEN_DEFAULTS;
    console.log(`\n## Token work (CPU, sequential; warm-up ${o.warmup}, measure ${o.measure} per operation in ${o.rounds} alternating rounds)\n`);
    const r = await benchTokens(o);
    console.log(r.report);
    summary.push(`token verify: AccessTokenCodec.verify runs at ${formatRatio(r.verifyRatio)} the rate of jose compactDecrypt`);
    summary.push(`token issue: AccessTokenCodec.issue runs at ${formatRatio(r.issueRatio)} the rate of jose CompactEncrypt`);
  }

  if (which.has('cold')) {
    console.log(`\n## Cold start: entry-module import in a fresh process (${COLD_DEFAULTS.rounds} alternating rounds)\n`);
    const r = await benchCold(COLD_DEFAULTS);
    console.log(r.report);
    summary.push(
      `cold start: the deployed bundle imports in ${formatRatio(r.bundleRatio)} the hello-world app's time; ` +
        `the unbundled build in ${formatRatio(r.unbundledRatio)}`,
    );
  }

  if (which.has('gateway') || which.has('sse') || which.has('load')) {
    const t0 = performance.now();
    const bench: BenchStack = await startBenchStack();
    console.log(`\n(local stack started and adele signed in through the real OAuth flow in ${fmt((performance.now() - t0) / 1000)} s)`);
    try {
      if (which.has('gateway')) {
        const o = HOT_PATH_DEFAULTS;
        console.log(
          `\n## Gateway hot path: tools/call whoami (warm-up ${o.warmup}, measure ${o.measure} per path in ${o.rounds} alternating rounds, concurrency ${o.concurrency})\n`,
        );
        const r = await benchHotPath(bench, o);
        console.log(r.report);
        summary.push(
          `gateway hot path: req/s ${formatRatio(r.throughputRatio)} the direct path's, p50 latency ${formatRatio(r.p50Ratio)}; ` +
            `${r.gatewayCosmosRequests} Cosmos request(s) during the gateway windows`,
          `hot path floor (the same hops, no gateway work): req/s ${formatRatio(r.floorThroughputRatio)} the direct path's; ` +
            `the gateway runs at ${formatRatio(r.gatewayVsFloor)} the floor's rate`,
        );
      }
      if (which.has('sse')) {
        const o = SSE_DEFAULTS;
        console.log(
          `\n## SSE: POST /message to response event (sequential; warm-up ${o.warmup}, measure ${o.measure} per path in ${o.rounds} alternating rounds)\n`,
        );
        const r = await benchSse(bench, o);
        console.log(r.report);
        summary.push(`sse round trip: gateway p50 ${formatRatio(r.p50Ratio)} the direct path's; the floor's ${formatRatio(r.floorP50Ratio)}`);
      }
      if (which.has('load')) {
        const o = LOAD_DEFAULTS;
        console.log(`\n## Load: ${o.sessions} concurrent streamable-HTTP sessions x ${o.callsPerSession} tools/call through the gateway\n`);
        const r = await benchLoad(bench, o);
        console.log(r.report);
        summary.push(`load: ${fmt(r.callsPerSecond)} calls/s, p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, ${r.errors} error(s)`);
      }
    } finally {
      await bench.close();
    }
  }

  console.log(`\n## Summary (ratios against the baseline of the same run; ${fmt((performance.now() - started) / 1000)} s in all)\n`);
  for (const line of summary) console.log(`- ${line}`);
}

main().catch((error: unknown) => {
  console.error('bench failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
