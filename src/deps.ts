import type { Config } from './config/index.js';
import { createCimdResolver } from './oauth/cimd.js';
import { createCosmosClientStore, type ClientStore } from './store/clients.js';
import { createCosmosClient, openContainers } from './store/cosmos.js';
import type { RefreshUpstream } from './oauth/tokens/entra-session.js';
import { createTokenCore, type TokenCore } from './oauth/tokens/wiring.js';

/**
 * Everything the functions need, built once from the configuration at start-up and passed in, so a
 * test builds the same object against the local stack. Later parts (stores, Entra client, token
 * crypto) are added here as fields.
 */
export interface Deps extends TokenCore {
  config: Config;
  /** OAuth clients: DCR clients in Cosmos, CIMD clients fetched from their URL. */
  clients: ClientStore;
}

/** `refreshUpstream`: the Entra client's refresh (`EntraUpstream.refresh`), for renewing Entra tokens. */
export function buildDeps(config: Config, parts: { refreshUpstream?: RefreshUpstream } = {}): Deps {
  const containers = openContainers(createCosmosClient(config), config.cosmos.database);
  const cimd = createCimdResolver({
    allowLoopback: config.registration.cimdAllowLoopback,
    redirectUriAllowlist: config.registration.redirectUriAllowlist,
    clientNameAllowlist: config.registration.clientNameAllowlist,
  });
  return {
    config,
    clients: createCosmosClientStore({ container: containers.clients, cimd }),
    ...createTokenCore(config, containers, parts.refreshUpstream),
  };
}
