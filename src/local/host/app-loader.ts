import http from 'node:http';
import type { Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installCoreHook } from './core-hook.js';
import { getCoreState, type ProgrammingModel, type RegisteredFunction } from './functions-core.cjs';

/** A function app as the worker sees it after start-up: its model, its functions, its capabilities. */
export interface LoadedApp {
  entry: string;
  model: ProgrammingModel;
  functions: RegisteredFunction[];
  /** The library's HTTP proxy (`HttpUri` capability) when the app set `enableHttpStream`. */
  httpProxyUri?: string;
}

const appsKey = 'loadedApps';
const capabilitiesKey = 'capabilities';

/**
 * Imports the app once per process and captures what it registered. An ES module is evaluated only once
 * and `@azure/functions` locks `setup` after start-up, so a second call for the same entry reuses the
 * first capture instead of importing again.
 */
export function loadApp(appEntry: string): Promise<LoadedApp> {
  const entry = resolve(appEntry);
  const apps = sharedMap<Promise<LoadedApp>>(appsKey);
  let loaded = apps.get(entry);
  if (!loaded) {
    // Loads are chained so that two apps loading at once cannot interleave their registrations.
    const previous = Promise.all([...apps.values()].map((p) => p.catch(() => undefined)));
    loaded = previous.then(() => importAndCapture(entry));
    apps.set(entry, loaded);
    loaded.catch(() => apps.delete(entry));
  }
  return loaded;
}

async function importAndCapture(entry: string): Promise<LoadedApp> {
  installCoreHook();
  const state = getCoreState();
  const before = state.functions.length;
  const hooksBefore = state.hooks.get('appStart')?.length ?? 0;
  await import(pathToFileURL(entry).href);
  const functions = state.functions.slice(before);
  // The worker runs the app's appStart hooks once its entry point has loaded.
  for (const hook of state.hooks.get('appStart')?.slice(hooksBefore) ?? []) {
    await hook({ hookData: {}, appHookData: {}, functionAppDirectory: dirname(entry) });
  }
  const model = state.programmingModel;
  if (!model) throw new Error(`${entry} registered no functions through @azure/functions`);
  const capabilities = await capabilitiesOf(model);
  return { entry, model, functions, httpProxyUri: capabilities.HttpUri };
}

/** The worker asks for capabilities once, after the app loaded; that also starts the library's HTTP proxy. */
function capabilitiesOf(model: ProgrammingModel): Promise<Record<string, string>> {
  const cache = sharedMap<Promise<Record<string, string>>>(capabilitiesKey);
  const key = `${model.name}@${model.version}`;
  let capabilities = cache.get(key);
  if (!capabilities) {
    capabilities = withUnrefServers(() => model.getCapabilities({}));
    cache.set(key, capabilities);
  }
  return capabilities;
}

/**
 * The library's proxy server is never closed (the real worker lives as long as it does), which would keep
 * a test process alive. `setupHttpProxy` creates it synchronously inside `getCapabilities`, so while that
 * call runs we unref any server created; it keeps serving while anything else holds the process open.
 */
function withUnrefServers<T>(start: () => T): T {
  const original = http.createServer;
  const patched = ((...args: Parameters<typeof http.createServer>) => {
    const server = original(...args);
    server.unref();
    server.on('listening', () => server.unref());
    // The host keeps connections to the proxy alive (http-trigger.ts); idle ones must not hold the process either.
    server.on('connection', (socket: Socket) => socket.unref());
    // Only the host closes an idle connection (its agent's `timeout`): with the proxy closing them too
    // (Node's 5 s keep-alive timeout), a busy event loop handed a request to a socket the proxy had just
    // closed, and the request failed with ECONNRESET (a 502 under the load benchmark).
    server.keepAliveTimeout = 0;
    return server;
  }) as typeof http.createServer;
  setCreateServer(patched);
  try {
    return start();
  } finally {
    setCreateServer(original);
  }
}

function sharedMap<T>(name: string): Map<string, T> {
  const { host } = getCoreState();
  let map = host.get(name) as Map<string, T> | undefined;
  if (!map) {
    map = new Map<string, T>();
    host.set(name, map);
  }
  return map;
}

function setCreateServer(createServer: typeof http.createServer): void {
  (http as { createServer: typeof http.createServer }).createServer = createServer;
}
