import { loadConfig, type Config } from '../../src/config/index.js';
import { startLocalCosmos, type LocalCosmos } from '../../src/local/cosmos/server.js';
import { createCimdResolver, type CimdOptions } from '../../src/oauth/cimd.js';
import { createCosmosClientStore, type ClientStore } from '../../src/store/clients.js';
import { testEnv } from '../support/env.js';
import { createCosmosClient, ensureContainers, openContainers, type Containers } from '../../src/store/cosmos.js';

export { testEnv } from '../support/env.js';

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
