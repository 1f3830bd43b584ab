// MCP Inspector from node_modules, as `npx @modelcontextprotocol/inspector` runs it: its client UI and
// its proxy, with the proxy's session token (read from what it prints, as a person copies it from the
// terminal) rather than DANGEROUSLY_OMIT_AUTH. It needs no internet: the UI is a static bundle.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isPortFree } from '../../src/local/ports.js';
import { freePort } from './stack-process.js';

const START = fileURLToPath(new URL('../../../node_modules/@modelcontextprotocol/inspector/client/bin/start.js', import.meta.url));

export interface InspectorProcess {
  /** The UI's origin, `http://localhost:6274` when that port is free. Its OAuth redirect is `${origin}/oauth/callback`. */
  origin: string;
  proxyPort: number;
  token: string;
  /** The UI URL with the proxy token only, as Inspector prints it. */
  tokenUrl(): string;
  /** The UI URL with the token and the connection pre-filled. */
  url(transport: 'sse' | 'streamable-http', serverUrl: string): string;
  output(): string;
  stop(): Promise<void>;
}

export async function startInspector(): Promise<InspectorProcess> {
  const clientPort = (await isPortFree(6274)) ? 6274 : await freePort();
  const proxyPort = (await isPortFree(6277)) ? 6277 : await freePort();
  // Own process group: start.js spawns the proxy and the UI server, and all three must stop together.
  const child: ChildProcess = spawn(process.execPath, [START], {
    env: { ...process.env, CLIENT_PORT: String(clientPort), SERVER_PORT: String(proxyPort), MCP_AUTO_OPEN_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const origin = `http://localhost:${clientPort}`;
  const deadline = Date.now() + 60_000;
  let token: string | undefined;
  for (;;) {
    token ??= /MCP_PROXY_AUTH_TOKEN=([0-9a-f]{64})/.exec(output)?.[1] ?? /Session token: ([0-9a-f]{64})/.exec(output)?.[1];
    const uiUp =
      token !== undefined &&
      (await fetch(origin).then(
        (r) => r.status === 200,
        () => false,
      ));
    if (uiUp) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`MCP Inspector did not start (ports ${clientPort}, ${proxyPort}):\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const sessionToken = token!;
  return {
    origin,
    proxyPort,
    token: sessionToken,
    tokenUrl: () => {
      const url = new URL(origin);
      url.searchParams.set('MCP_PROXY_AUTH_TOKEN', sessionToken);
      // Inspector prints the proxy's address too when it is not on its default port.
      if (proxyPort !== 6277) url.searchParams.set('MCP_PROXY_FULL_ADDRESS', `http://localhost:${proxyPort}`);
      return url.href;
    },
    url: (transport, serverUrl) => {
      const url = new URL(origin);
      url.searchParams.set('MCP_PROXY_AUTH_TOKEN', sessionToken);
      url.searchParams.set('MCP_PROXY_FULL_ADDRESS', `http://localhost:${proxyPort}`);
      url.searchParams.set('transport', transport);
      url.searchParams.set('serverUrl', serverUrl);
      return url.href;
    },
    output: () => output,
    stop,
  };
}
