import { CosmosClient } from '@azure/cosmos';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/index.js';
import { ensureContainers } from '../store/cosmos.js';
import { createLocalCertificate } from './certificate.js';
import { loadEntraState, loadOrCreateDevKeys, restoreCosmos, saveCosmos, saveEntraState } from './dev-state.js';
import { startLocalCosmos, type LocalCosmos } from './cosmos/server.js';
import { startLocalTtlSweeper, type TtlSweeper } from './cosmos/sweeper.js';
import { LOCAL_GATEWAY_APP } from './defaults.js';
import { startEntraEmulator } from './entra/index.js';
import { startGraphEmulator, type GraphEmulator } from './graph/index.js';
import { startLocalHost } from './host/index.js';
import { startGatewayInstances, type GatewayInstances, type SharedClock } from './instances/index.js';
import { startManagedIdentityEmulator } from './managed-identity/index.js';
import { COSMOS_DATABASE, COSMOS_DUMMY_KEY, gatewaySettings, randomSecret, type LocalCredential } from './gateway-settings.js';
import { DEFAULT_PORTS, onPreferredPort, resolveGatewayPort } from './ports.js';

export type EntraEmulator = Awaited<ReturnType<typeof startEntraEmulator>>;
export type ManagedIdentityEmulator = Awaited<ReturnType<typeof startManagedIdentityEmulator>>;
export type LocalHost = Awaited<ReturnType<typeof startLocalHost>>;

export type { LocalCredential } from './gateway-settings.js';

export interface LocalStackOptions {
  /** The gateway's port; 0 picks a free one. Default: `PORT`, else 7071. */
  gatewayPort?: number;
  /**
   * `any`: the emulators and Cosmos on free ports, not their defaults (tests that stop Cosmos or run
   * beside others use it, so that no parallel stack takes a default port one of them just freed).
   */
  emulatorPorts?: 'default' | 'any';
  /** Start only the emulators (for `func start`); `env` then holds the settings to paste. */
  emulatorsOnly?: boolean;
  /**
   * How the gateway proves itself to Entra. Default `managed_identity` (the federated credential).
   * `certificate`: a key and self-signed certificate generated for this run (deleted on `close()`); the
   * gateway app in the Entra emulator then knows only that certificate.
   */
  credential?: LocalCredential;
  /**
   * How many gateway instances (default 1, in this thread). From 2, each is a local Functions host in
   * its own worker thread (its own modules and caches) on its own port, behind a round-robin front on
   * the gateway's port, all sharing the Cosmos server and the emulators.
   */
  instances?: number;
  /** The instances' clock (with `instances` from 2): a test moves it to pass a cache's freshness. */
  clock?: SharedClock;
  /** Settings applied over the stack's own (tests force a value this way). */
  env?: Record<string, string>;
  /**
   * Keep keys and Cosmos data across runs in this folder (`npm start`: `.local/`; see dev-state.ts).
   * Default: none, everything is fresh and forgotten (tests).
   */
  stateDir?: string;
  /** Where the local host writes host and function logs (default: the host's, the console). */
  log?: (level: string, message: string) => void;
}

export interface LocalStackUrls {
  /** The gateway's base URL (`GATEWAY_BASE_URL`), also in emulators-only mode (for `func start`). */
  gateway: string;
  mcp: string;
  mcpSse: string;
  health: string;
  entra: string;
  /** The tenant's OIDC discovery document on the Entra emulator. */
  entraDiscovery: string;
  graph: string;
  managedIdentity: string;
  cosmos: string;
}

export interface LocalStack {
  urls: LocalStackUrls;
  /** Every gateway setting the stack chose (local-only values; never log them). */
  env: Record<string, string>;
  emulatorsOnly: boolean;
  cosmos: LocalCosmos;
  /** Cosmos TTL for the local server (which has none): expired documents deleted every minute, or on `sweep()`. */
  ttl: TtlSweeper;
  entra: EntraEmulator;
  managedIdentity: ManagedIdentityEmulator;
  graph: GraphEmulator;
  /** The local Functions host running the gateway; absent in emulators-only mode and with several instances. */
  host?: LocalHost;
  /** With `instances` from 2: the front, each instance's host and their shared clock. */
  instances?: GatewayInstances;
  /** Stops everything in reverse order and restores `process.env`. */
  close(): Promise<void>;
}

/**
 * Starts the whole local stack: Cosmos, Entra, managed identity and Graph emulators, then (unless
 * emulators-only) the gateway on the local Functions host, configured through `process.env` exactly as
 * `func start` would be through `local.settings.json`. On a failure, whatever started is stopped again.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const emulatorsOnly = options.emulatorsOnly ?? false;
  const gatewayPort = await resolveGatewayPort(options.gatewayPort, emulatorsOnly);
  const gatewayUrl = `http://localhost:${gatewayPort}`;
  const started: { close(): Promise<void> }[] = [];
  const portFor = (preferred: number) => (options.emulatorPorts === 'any' ? 0 : preferred);
  let restoreEnv = () => {};

  const closeAll = async () => {
    const errors: unknown[] = [];
    for (const part of started.reverse()) await part.close().catch((err: unknown) => errors.push(err));
    started.length = 0;
    restoreEnv();
    if (errors.length > 0) throw new AggregateError(errors, 'the local stack did not stop cleanly');
  };

  try {
    const cosmos = await onPreferredPort(portFor(DEFAULT_PORTS.cosmos), (port) => startLocalCosmos(port));
    started.push(cosmos);
    await createDatabase(cosmos.endpoint);
    const { stateDir } = options;
    const devKeys = stateDir ? loadOrCreateDevKeys(stateDir) : undefined;
    if (stateDir) {
      await restoreCosmos(stateDir, cosmos.endpoint, COSMOS_DUMMY_KEY, COSMOS_DATABASE);
      // Closed in reverse order: after the host stopped serving, before the Cosmos server stops.
      started.push({ close: () => saveCosmos(stateDir, cosmos.endpoint, COSMOS_DUMMY_KEY, COSMOS_DATABASE) });
    }
    const ttl = startLocalTtlSweeper(cosmos.endpoint, COSMOS_DUMMY_KEY, COSMOS_DATABASE, options.log);
    started.push(ttl);

    const certificate = options.credential === 'certificate' ? createLocalCertificate() : undefined;
    if (certificate) started.push({ close: async () => certificate.remove() });
    // A certificate-only app, as in Entra: neither the secret nor the federated credential would work.
    const directory = certificate && {
      apps: [
        {
          appId: LOCAL_GATEWAY_APP.clientId,
          displayName: LOCAL_GATEWAY_APP.displayName,
          secrets: [],
          federatedCredentials: [],
          certificates: [{ certificatePem: certificate.certificatePem }],
        },
      ],
    };
    // With a state folder, the port of the last run first: it is the issuer of the tokens kept there.
    const savedEntra = stateDir ? loadEntraState(stateDir) : undefined;
    const entraPorts = [...(savedEntra ? [savedEntra.port] : []), portFor(DEFAULT_PORTS.entra)];
    const entra = await onPreferredPort(entraPorts, (port) =>
      startEntraEmulator({ port, redirectUris: [`${gatewayUrl}/callback`], directory, saved: savedEntra?.emulator }),
    );
    started.push(entra);
    if (stateDir) started.push({ close: () => saveEntraState(stateDir, entra) });
    const managedIdentity = await onPreferredPort(portFor(DEFAULT_PORTS.managedIdentity), (port) => startManagedIdentityEmulator({ entra, port }));
    started.push(managedIdentity);
    const graph = await onPreferredPort(portFor(DEFAULT_PORTS.graph), (port) =>
      // Graph serves the people Entra signs in: one directory for both.
      startGraphEmulator({ port, entra: { url: entra.url, tenantId: entra.tenantId }, directory: entra.directory }),
    );
    started.push(graph);

    const mcpExtensionKey = devKeys?.MCP_EXTENSION_KEY ?? randomSecret();
    const kept: Record<string, string> = devKeys ? { TOKEN_ENCRYPTION_KEYS: devKeys.TOKEN_ENCRYPTION_KEYS, COOKIE_SECRET: devKeys.COOKIE_SECRET } : {};
    const env = {
      ...gatewaySettings({ gatewayUrl, cosmos, entra, managedIdentity, graph, mcpExtensionKey, certificatePath: certificate?.path, options }),
      ...kept,
    };
    const urls: LocalStackUrls = {
      gateway: gatewayUrl,
      mcp: `${gatewayUrl}/mcp`,
      mcpSse: `${gatewayUrl}/mcp/sse`,
      health: `${gatewayUrl}/health`,
      entra: entra.url,
      entraDiscovery: `${entra.url}/${entra.tenantId}/v2.0/.well-known/openid-configuration`,
      graph: graph.url,
      managedIdentity: managedIdentity.endpoint,
      cosmos: cosmos.endpoint,
    };

    let host: LocalHost | undefined;
    let instances: GatewayInstances | undefined;
    const keys = { systemKeys: { mcp_extension: mcpExtensionKey } };
    const appEntry = fileURLToPath(new URL('../index.js', import.meta.url));
    if (!emulatorsOnly && (options.instances ?? 1) > 1) {
      // Each instance's thread gets the settings as its own process.env; this thread's stays untouched.
      // A wrong setting stops here too, naming it (the instances would load and answer 503).
      loadConfig({ ...process.env, ...env });
      instances = await startGatewayInstances({ count: options.instances!, port: gatewayPort, appEntry, env, keys, clock: options.clock, log: options.log });
      started.push(instances);
    } else if (!emulatorsOnly) {
      // The app reads its configuration from process.env when the host imports it, as under `func start`.
      restoreEnv = applyEnv(env);
      // A wrong setting stops `npm start` here, naming it. (The app itself would load and answer 503, as it
      // must in Azure, where a setting can resolve late: src/functions/not-ready.ts.)
      loadConfig();
      host = await startLocalHost({
        appEntry,
        port: gatewayPort,
        keys,
        log: options.log,
      });
      started.push(host);
    }
    return { urls, env, emulatorsOnly, cosmos, ttl, entra, managedIdentity, graph, host, instances, close: closeAll };
  } catch (err) {
    await closeAll().catch(() => {});
    throw err;
  }
}

/** Sets the variables in `process.env`; the returned function puts back what was there before. */
function applyEnv(vars: Record<string, string>): () => void {
  const previous = new Map(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

async function createDatabase(endpoint: string): Promise<void> {
  const client = new CosmosClient({
    endpoint,
    key: COSMOS_DUMMY_KEY,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    await ensureContainers(client, COSMOS_DATABASE);
  } finally {
    client.dispose();
  }
}
