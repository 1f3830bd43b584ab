import { loadConfig, type Config } from '../../../src/config/index.js';
import { startLocalCosmos, type LocalCosmos } from '../../../src/local/cosmos/server.js';
import { testEnv } from '../../support/env.js';
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

export interface CosmosHarness {
  config: Config;
  containers: Containers;
  close(): Promise<void>;
}

/** The in-process Cosmos server, reached through the real `@azure/cosmos` client, with our containers. */
export async function startCosmosHarness(): Promise<CosmosHarness> {
  const cosmos: LocalCosmos = await startLocalCosmos();
  const config = loadConfig(testEnv({ COSMOS_ENDPOINT: cosmos.endpoint }));
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
