import { loadConfig, type Config } from '../../src/config/index.js';
import { startLocalCosmos, type LocalCosmos } from '../../src/local/cosmos/server.js';
import { createCimdResolver, type CimdOptions } from '../../src/oauth/cimd.js';
import { createCosmosClientStore, type ClientStore } from '../../src/store/clients.js';
import { createCosmosClient, ensureContainers, openContainers, type Containers } from '../../src/store/cosmos.js';

/** A valid dev configuration for these tests (the same shape as test/config's `validEnv`). */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GATEWAY_MODE: 'dev',
    GATEWAY_BASE_URL: 'http://localhost:7071',
    ENTRA_TENANT_ID: '00000000-0000-4000-8000-000000000001',
    ENTRA_CLIENT_ID: '11111111-1111-4111-8111-111111111111',
    ENTRA_AUTHORITY_HOST: 'http://localhost:7072',
    COSMOS_ENDPOINT: 'http://127.0.0.1:8081/',
    COSMOS_KEY: 'local',
    TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64url')}`,
    COOKIE_SECRET: Buffer.alloc(32, 2).toString('base64url'),
    ...overrides,
  };
}

export interface CosmosFixture {
  cosmos: LocalCosmos;
  config: Config;
  containers: Containers;
  store(cimd?: Partial<CimdOptions>): ClientStore;
  close(): Promise<void>;
}

/** The in-process Cosmos server with the gateway's containers, and stores built on it. */
export async function startCosmosFixture(): Promise<CosmosFixture> {
  const cosmos = await startLocalCosmos();
  const config = loadConfig(testEnv({ COSMOS_ENDPOINT: cosmos.endpoint }));
  const client = createCosmosClient(config);
  await ensureContainers(client, config.cosmos.database);
  const containers = openContainers(client, config.cosmos.database);
  return {
    cosmos,
    config,
    containers,
    store: (cimd = {}) =>
      createCosmosClientStore({
        container: containers.clients,
        cimd: createCimdResolver({ allowLoopback: false, redirectUriAllowlist: [], clientNameAllowlist: [], ...cimd }),
      }),
    close: async () => {
      client.dispose();
      await cosmos.close();
    },
  };
}
