// `npm run dev`: `npm start` that rebuilds and restarts on change. Watches src/ (and host.json); after a
// quiet moment it compiles with tsc and, when that succeeds, stops the running stack (SIGTERM, as Ctrl+C
// would) and starts a new one. Keys and Cosmos data stay in .local/ across restarts (`--persist`), so
// MCP clients stay registered and consented. Extra arguments go to start.js (`npm run dev -- --clean`).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { watch } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const START = fileURLToPath(new URL('./start.js', import.meta.url));
const TSC = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
/** Editors write a file in several steps; one rebuild per burst of changes. */
const QUIET_MS = 300;

let child: ChildProcess | undefined;
let args = ['--persist', ...process.argv.slice(2)];

function startStack(): void {
  // Its own process group: Ctrl+C reaches only this watcher, which stops the stack once, with SIGTERM
  // (a second signal would make start.js exit without saving .local/).
  child = spawn(process.execPath, [START, ...args], { stdio: 'inherit', cwd: ROOT, detached: true });
  // `--clean` applies to the first start only; later restarts keep what this session built up.
  args = args.filter((a) => a !== '--clean');
}

async function stopStack(): Promise<void> {
  const running = child;
  child = undefined;
  if (!running || running.exitCode !== null || running.signalCode !== null) return;
  const exited = once(running, 'exit');
  running.kill('SIGTERM');
  await exited;
}

function compile(): Promise<boolean> {
  const tsc = spawn(process.execPath, [TSC, '-p', 'tsconfig.json'], { stdio: 'inherit', cwd: ROOT });
  return once(tsc, 'exit').then(([code]) => code === 0);
}

let timer: NodeJS.Timeout | undefined;
let busy: Promise<void> = Promise.resolve();
function changed(file: string): void {
  clearTimeout(timer);
  timer = setTimeout(() => {
    busy = busy.then(async () => {
      console.log(`\n[dev] ${file} changed: rebuilding…`);
      if (!(await compile())) {
        console.log('[dev] the build failed; the running stack is unchanged. Fix and save again.');
        return;
      }
      console.log('[dev] restarting the local stack…');
      await stopStack();
      startStack();
    });
  }, QUIET_MS);
}

watch(fileURLToPath(new URL('../../../src', import.meta.url)), { recursive: true }, (_event, file) => {
  if (file && file.endsWith('.ts')) changed(`src/${file}`);
});
watch(fileURLToPath(new URL('../../../host.json', import.meta.url)), () => changed('host.json'));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    clearTimeout(timer);
    void stopStack().then(() => process.exit(0));
  });
}
startStack();
