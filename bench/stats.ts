import { performance } from 'node:perf_hooks';

/** Latencies (ms) and wall time of one measured window. */
export interface Sample {
  latenciesMs: number[];
  elapsedMs: number;
}

export interface Summary {
  count: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/**
 * Runs `fn` exactly `count` times with `concurrency` callers in flight, timing each call. Bounded by
 * count, never by time, so the run always ends; a failing call throws (a broken path is not measured).
 */
export async function runConcurrent(count: number, concurrency: number, fn: () => Promise<void>): Promise<Sample> {
  const latenciesMs: number[] = [];
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started++;
      const t0 = performance.now();
      await fn();
      latenciesMs.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latenciesMs, elapsedMs: performance.now() - t0 };
}

/** Merges windows of one subject (measured in alternating rounds) into one sample. */
export function merge(samples: Sample[]): Sample {
  return { latenciesMs: samples.flatMap((s) => s.latenciesMs), elapsedMs: samples.reduce((sum, s) => sum + s.elapsedMs, 0) };
}

export function summarise(sample: Sample): Summary {
  const sorted = [...sample.latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1);
  return { count: sorted.length, perSecond: (sorted.length * 1000) / sample.elapsedMs, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean };
}

/** A compact fixed-width table: first row is the header. */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A ratio of subject to baseline, taken per round (adjacent windows) so that drift in machine load cancels. */
export interface PairedRatio {
  median: number;
  min: number;
  max: number;
}

/**
 * `metric(subject round i) / metric(baseline round i)` for every round: the median is the figure, the
 * range shows how noisy the machine was.
 */
export function pairedRatio(subject: Sample[], baseline: Sample[], metric: (s: Summary) => number): PairedRatio {
  const ratios = subject.map((s, i) => metric(summarise(s)) / metric(summarise(baseline[i]!))).sort((a, b) => a - b);
  const mid = ratios.length / 2;
  const median = ratios.length % 2 === 1 ? ratios[Math.floor(mid)]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
  return { median, min: ratios[0]!, max: ratios[ratios.length - 1]! };
}

export const formatRatio = (r: PairedRatio): string => `${fmt(r.median)}x (rounds ${fmt(r.min)}-${fmt(r.max)})`;

/** Three significant-ish digits: 12345 → "12345", 12.345 → "12.3", 0.1234 → "0.123". */
export function fmt(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export const latencyRow = (label: string, s: Summary): (string | number)[] => [label, s.count, s.perSecond, s.p50, s.p95, s.p99];
export const LATENCY_HEADER = ['path', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms'];
