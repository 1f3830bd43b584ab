import { loadConfig, type Config } from '../../../src/config/index.js';
import { startLocalCosmos, type LocalCosmos } from '../../../src/local/cosmos/server.js';
import { createCosmosClient, ensureContainers, openContainers, type Containers } from '../../../src/store/cosmos.js';

/** A clock tests move by hand: no test sleeps. Starts at a fixed, realistic instant. */
export class TestClock {
  nowMs = Date.UTC(2026, 0, 15, 9, 0, 0);
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export const KEY_1 = { kid: 'k1', key: new Uint8Array(32).fill(1) };
export const KEY_2 = { kid: 'k2', key: new Uint8Array(32).fill(7) };

export function testEnv(cosmosEndpoint = 'http://127.0.0.1:8081/'): NodeJS.ProcessEnv {
  return {
    GATEWAY_MODE: 'dev',
    GATEWAY_BASE_URL: 'http://localhost:7071',
    ENTRA_TENANT_ID: '00000000-0000-4000-8000-000000000001',
    ENTRA_CLIENT_ID: '11111111-1111-4111-8111-111111111111',
    ENTRA_AUTHORITY_HOST: 'http://localhost:7072',
    COSMOS_ENDPOINT: cosmosEndpoint,
    COSMOS_KEY: 'local',
    TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.from(KEY_1.key).toString('base64url')}`,
    COOKIE_SECRET: Buffer.alloc(32, 2).toString('base64url'),
  };
}

export interface CosmosHarness {
  config: Config;
  containers: Containers;
  close(): Promise<void>;
}

/** The in-process Cosmos server, reached through the real `@azure/cosmos` client, with our containers. */
export async function startCosmosHarness(): Promise<CosmosHarness> {
  const cosmos: LocalCosmos = await startLocalCosmos();
  const config = loadConfig(testEnv(cosmos.endpoint));
  const client = createCosmosClient(config);
  await ensureContainers(client, config.cosmos.database);
  return {
    config,
    containers: openContainers(client, config.cosmos.database),
    close: async () => {
      client.dispose();
      await cosmos.close();
    },
  };
}
