import { CosmosClient, type Container, type Database } from '@azure/cosmos';
import type { Config } from '../config/index.js';
import { COSMOS_REQUEST_TIMEOUT_MS, COSMOS_RETRY_OPTIONS } from './availability.js';
import { CONTAINERS, type ContainerName } from './containers.js';
import { lazyManagedIdentity } from '../entra/managed-identity.js';
import type { StoreContainer } from './lazy-container.js';

/** The containers themselves (tests and tools reach every SDK call)... */
export type Containers = Record<ContainerName, Container>;
/** ...and what the stores need of them (`lazy-container.ts`). */
export type StoreContainers = Record<ContainerName, StoreContainer>;

/**
 * Connects to Cosmos DB: with the account key when one is configured (local stack), otherwise with the
 * managed identity through data-plane RBAC (Azure). Endpoint discovery is off: the gateway talks to the
 * one endpoint it is given (a serverless account has one region, and the local server has no others).
 * Throttling retries and the request timeout are bounded (./availability.ts): past them the request
 * answers 503 with Retry-After.
 */
export function createCosmosClient(config: Config): CosmosClient {
  const { endpoint, key } = config.cosmos;
  const connectionPolicy = { enableEndpointDiscovery: false, retryOptions: COSMOS_RETRY_OPTIONS, requestTimeout: COSMOS_REQUEST_TIMEOUT_MS };
  if (key) return new CosmosClient({ endpoint, key, connectionPolicy });
  return new CosmosClient({ endpoint, aadCredentials: lazyManagedIdentity(config.entra.managedIdentityClientId), connectionPolicy });
}

/** The containers by name, without any network call (Azure's are created by the Bicep). */
export function openContainers(client: CosmosClient, databaseId: string): Containers {
  const database = client.database(databaseId);
  return Object.fromEntries(Object.entries(CONTAINERS).map(([name, spec]) => [name, database.container(spec.id)])) as Containers;
}

/** Creates the database and containers if missing: for the local stack and tests (Azure: the Bicep). */
export async function ensureContainers(client: CosmosClient, databaseId: string): Promise<Database> {
  const { database } = await client.databases.createIfNotExists({ id: databaseId });
  for (const spec of Object.values(CONTAINERS)) {
    await database.containers.createIfNotExists({
      id: spec.id,
      partitionKey: { paths: [spec.partitionKey] },
      defaultTtl: spec.defaultTtl,
    });
  }
  return database;
}
