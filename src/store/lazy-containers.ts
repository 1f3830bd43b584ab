import type { Config } from '../config/index.js';
import { CONTAINERS, type ContainerName } from './containers.js';
import type { StoreContainers } from './cosmos.js';
import { onceSucceeded } from '../lib/once.js';
import { lazyContainer } from './lazy-container.js';

/**
 * The app's containers, with `@azure/cosmos` (and the client, one per process) loaded by the first
 * request that reads or writes: a dynamic import, so the deployed bundle keeps the SDK in a chunk that a
 * cold start does not parse.
 */
export function lazyContainers(config: Config): StoreContainers {
  const all = onceSucceeded(async () => {
    const { createCosmosClient, openContainers } = await import('./cosmos.js');
    return openContainers(createCosmosClient(config), config.cosmos.database);
  });
  const names = Object.keys(CONTAINERS) as ContainerName[];
  return Object.fromEntries(names.map((name) => [name, lazyContainer(async () => (await all())[name])])) as StoreContainers;
}
