import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadApp } from './app-loader.js';
import { getCoreState } from './functions-core.cjs';
import { readHostSettings } from './host-json.js';
import { httpFunctionsOf } from './http-functions.js';
import type { HostLog } from './invoke.js';
import type { HostKeys } from './keys.js';
import { createId } from './mcp/http-util.js';
import { SseSessions } from './mcp/sse.js';
import { mcpToolsOf } from './mcp/tools.js';
import { createDrain, isMcpExtensionRequest } from './drain.js';
import { createRequestListener, type HostRuntime } from './server.js';

/**
 * The local Functions host: loads a compiled function app as the Node worker would and serves its HTTP
 * triggers and the MCP extension's endpoints on one port. See docs in DESIGN.md section 6.
 */
export interface LocalHostOptions {
  /** Absolute path of the compiled app entry (e.g. dist/src/index.js) or a fixture module. */
  appEntry: string;
  /** 0 = ephemeral; default 7071. */
  port?: number;
  /** Default '127.0.0.1'. */
  hostname?: string;
  /** Default: host.json at the repo root. */
  hostJsonPath?: string;
  /** Undefined = no key checks (as Core Tools). `functionKeys` are host-level keys valid for every function. */
  keys?: HostKeys;
  /** Where host and function logs go (default console). */
  log?: (level: string, message: string) => void;
  /**
   * Where the host of another instance listens, by its MCP extension instance id: a legacy SSE message
   * for a session held there is relayed to it (in Azure, the extension relays through a Storage queue).
   */
  sseRelay?: (instanceId: string) => string | undefined;
}

export interface LocalHost {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The MCP extension's instance id (the second half of its session ids). */
  instanceId: string;
  functions: { name: string; kind: 'http' | 'mcpTool' }[];
  /** Ends the MCP extension's open SSE streams (the first step of `close`). */
  endStreams(): Promise<void>;
  close(drainMs?: number): Promise<void>;
}

const defaultHostJson = fileURLToPath(new URL('../../../../host.json', import.meta.url));

export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const log = options.log ?? consoleLog;
  const app = await loadApp(options.appEntry);
  const settings = readHostSettings(options.hostJsonPath ?? defaultHostJson);
  const runtime: HostRuntime = {
    app,
    settings,
    httpFunctions: httpFunctionsOf(app.functions, settings.routePrefix),
    tools: mcpToolsOf(app.functions),
    keys: options.keys,
    log,
    instanceId: createId(),
    sse: new SseSessions(options.sseRelay),
  };
  const drain = createDrain(createRequestListener(runtime), isMcpExtensionRequest);
  const server = http.createServer(drain.listener);
  const hostname = options.hostname ?? '127.0.0.1';
  await listen(server, options.port ?? 7071, hostname);
  const { logSinks } = getCoreState();
  logSinks.push(log);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(hostname)}:${port}`;
  // Not a URL: the gateway's URLs (its issuer, http://localhost:…) are the banner's; a copied
  // http://127.0.0.1 URL would fail the clients' resource and issuer checks.
  log(
    'information',
    `Local Functions host listening on ${hostname}:${port} (${runtime.httpFunctions.length} HTTP functions, ${runtime.tools.length} MCP tools)`,
  );
  return {
    url,
    port,
    instanceId: runtime.instanceId,
    functions: [
      ...runtime.httpFunctions.map((f) => ({ name: f.name, kind: 'http' as const })),
      ...runtime.tools.map((t) => ({ name: t.fn.metadata.name, kind: 'mcpTool' as const })),
    ],
    /** Graceful: open SSE streams end, requests in flight finish (at most `drainMs`), new ones get 503. */
    endStreams: () => runtime.sse.closeAll(),
    close: async (drainMs?: number) => {
      await runtime.sse.closeAll();
      await drain.drain(server, drainMs);
      const index = logSinks.lastIndexOf(log);
      if (index >= 0) logSinks.splice(index, 1);
    },
  };
}

/**
 * The accept queue's length. Node's default, 511, overflows when more connections arrive than one turn of
 * a busy event loop accepts (the load benchmark's 500 clients at once, each gateway call opening a
 * forward to the extension on the same server): the kernel then drops the SYN and the client only
 * retries it after 1, 3, 7, 15, 31 s, so those requests wait up to a minute while the others flow. The
 * kernel caps this at `net.core.somaxconn` (4096 on current Linux).
 */
export const LISTEN_BACKLOG = 4096;

function listen(server: http.Server, port: number, hostname: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: hostname, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function urlHost(hostname: string): string {
  if (hostname === '0.0.0.0') return '127.0.0.1';
  if (hostname === '::') return '[::1]';
  return hostname.includes(':') ? `[${hostname}]` : hostname;
}

/** Each line with its time, as Core Tools prints them (`[2026-01-01T10:00:00.000Z] [information] …`). */
export const consoleLog: HostLog = (level, message, now = new Date()) => {
  const line = `[${now.toISOString()}] [${level}] ${message}`;
  if (level === 'error' || level === 'critical') console.error(line);
  else if (level === 'warning') console.warn(line);
  else if (level !== 'debug' && level !== 'trace') console.log(line);
};
