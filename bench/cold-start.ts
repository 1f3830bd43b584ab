import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageApp } from '../scripts/package.js';
import { azureLikeEnv } from '../test/infra/azure-env.js';
import { fmt, table, type PairedRatio } from './stats.js';

export interface ColdOptions {
  /** Fresh processes per subject, one of each subject per round, in turn. */
  rounds: number;
}

export const COLD_DEFAULTS: ColdOptions = { rounds: 12 };

export interface ColdResult {
  report: string;
  /** Entry-module import time of the deployed bundle as a multiple of the hello-world app's. */
  bundleRatio: PairedRatio;
  /** The same for the unbundled build (`dist/src/index.js`, what `npm start` and the tests load). */
  unbundledRatio: PairedRatio;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Times `import(entry)` in a fresh Node process, as the Functions worker does at a cold start: the
 * deployed bundle (`npm run package`), the unbundled build, and a hello-world `@azure/functions` app
 * (one HTTP function) as the baseline. Each child reports the time of the import alone (Node's own
 * start-up is the same for all three) and the process's wall time is measured from outside. A stand-in
 * `@azure/functions-core` (the local host's) is on NODE_PATH so the apps register for real rather than
 * in the library's test mode. The configuration is Azure-like (managed identity, no network at import).
 */
export async function benchCold(options: ColdOptions = COLD_DEFAULTS): Promise<ColdResult> {
  const work = mkdtempSync(path.join(tmpdir(), 'mcp-gateway-cold-'));
  try {
    const bundle = await packageApp(path.join(work, 'deploy'));
    const subjects = {
      'hello-world @azure/functions app (baseline)': writeHelloApp(work),
      'deployed bundle (npm run package)': path.join(bundle.outDir, 'index.js'),
      'unbundled build (dist/src/index.js)': path.join(repoRoot, 'dist/src/index.js'),
    };
    const env = childEnv(writeCoreModule(work));
    const names = Object.keys(subjects) as (keyof typeof subjects)[];
    const times = new Map(names.map((n) => [n, { importMs: [] as number[], wallMs: [] as number[] }]));
    for (let round = 0; round < options.rounds; round++) {
      for (const name of names) {
        const t = measure(subjects[name], env);
        times.get(name)!.importMs.push(t.importMs);
        times.get(name)!.wallMs.push(t.wallMs);
      }
    }
    const hello = times.get(names[0]!)!;
    const ratio = (name: keyof typeof subjects): PairedRatio => paired(times.get(name)!.importMs, hello.importMs);
    const rows = names.map((name) => {
      const t = times.get(name)!;
      return [name, median(t.importMs), Math.min(...t.importMs), median(t.wallMs)];
    });
    const report = [
      table([['entry (fresh process each)', 'import p50 ms', 'import min ms', 'process p50 ms'], ...rows]),
      `bundle: ${bundle.files.length} files, ${fmt(bundle.bytes / 1024 / 1024)} MB (with source maps)`,
    ].join('\n');
    return { report, bundleRatio: ratio(names[1]!), unbundledRatio: ratio(names[2]!) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** One fresh process: `import(entry)` timed inside it; the whole process timed outside. */
function measure(entry: string, env: NodeJS.ProcessEnv): { importMs: number; wallMs: number } {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(pathToHref(entry))}); process.stdout.write('IMPORT_MS=' + (performance.now() - t0));`;
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
  const wallMs = performance.now() - t0;
  const match = /IMPORT_MS=([\d.]+)/.exec(child.stdout ?? '');
  if (child.status !== 0 || !match) {
    throw new Error(`loading ${entry} failed (exit ${child.status}): ${(child.stderr ?? '').slice(0, 500)}`);
  }
  return { importMs: Number(match[1]), wallMs };
}

const pathToHref = (file: string) => new URL(`file://${file}`).href;

function writeHelloApp(work: string): string {
  // Next to the repository's node_modules would be simplest, but the app lives in a temporary folder,
  // so it imports @azure/functions by absolute path: the same package files the gateway loads.
  const library = path.join(repoRoot, 'node_modules/@azure/functions/dist/azure-functions.js');
  const file = path.join(work, 'hello.mjs');
  writeFileSync(
    file,
    `import functions from ${JSON.stringify(pathToHref(library))};
functions.app.http('hello', { methods: ['GET'], authLevel: 'anonymous', handler: async () => ({ body: 'hello' }) });
`,
  );
  return file;
}

/** `@azure/functions-core` as a package folder for NODE_PATH, forwarding to the local host's stand-in. */
function writeCoreModule(work: string): string {
  const standIn = path.join(repoRoot, 'dist/src/local/host/functions-core.cjs');
  if (!existsSync(standIn)) throw new Error('build first: dist/src/local/host/functions-core.cjs is missing');
  const dir = path.join(work, 'node_path');
  mkdirSync(path.join(dir, '@azure/functions-core'), { recursive: true });
  writeFileSync(path.join(dir, '@azure/functions-core/index.js'), `module.exports = require(${JSON.stringify(standIn)});\n`);
  return dir;
}

function childEnv(nodePath: string): NodeJS.ProcessEnv {
  return { ...azureLikeEnv(), NODE_PATH: nodePath };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per-round ratios (adjacent processes), median and range, as `stats.pairedRatio` does for samples. */
function paired(subject: number[], baseline: number[]): PairedRatio {
  const ratios = subject.map((s, i) => s / baseline[i]!).sort((a, b) => a - b);
  return { median: median(ratios), min: ratios[0]!, max: ratios[ratios.length - 1]! };
}
