// `npm start`'s local stack as a separate process, the way a person runs it: `node dist/src/local/start.js`
// with PORT set. End-to-end tests use it so that real clients talk to exactly what users run.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { reservedPort } from '../../src/local/ports.js';
import { fileURLToPath } from 'node:url';

const START = fileURLToPath(new URL('../../src/local/start.js', import.meta.url));

export interface StackProcess {
  /** The gateway's base URL (the OAuth issuer). */
  baseUrl: string;
  mcpUrl: string;
  sseUrl: string;
  /** Everything the stack printed so far (banner, host and function logs). */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within the bound. */
  stop(): Promise<void>;
}

/** A free port for a child stack (below the ephemeral range, so nothing started meanwhile takes it). */
export const freePort = reservedPort;

/**
 * Starts the local stack and resolves once `/health` answers 200. `args`: `npm start -- <args>`;
 * `where.port`: the gateway's port (default: a free one); `where.cwd`: the working directory (where
 * `--persist` keeps `.local/`; default: this process's).
 */
export async function startStackProcess(
  env: Record<string, string> = {},
  args: string[] = [],
  where: { port?: number; cwd?: string } = {},
): Promise<StackProcess> {
  const port = where.port ?? (await freePort());
  const baseUrl = `http://localhost:${port}`;
  const child: ChildProcess = spawn(process.execPath, [START, ...args], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(where.cwd ? { cwd: where.cwd } : {}),
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  // Bounded wait for /health; a stack that exits early fails at once with what it printed.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the local stack exited with ${child.exitCode} before /health:\n${output}`);
    const healthy = await fetch(`${baseUrl}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the local stack did not answer ${baseUrl}/health within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { baseUrl, mcpUrl: `${baseUrl}/mcp`, sseUrl: `${baseUrl}/mcp/sse`, output: () => output, stop };
}
