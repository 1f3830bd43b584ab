import type { Container, FeedOptions, FeedResponse, ItemDefinition, ItemResponse, PartitionKey, RequestOptions, SqlQuerySpec } from '@azure/cosmos';

import { onceSucceeded } from '../lib/once.js';

/**
 * The part of a Cosmos DB container the stores use. A real `Container` is one; so is `lazyContainer`'s,
 * which loads `@azure/cosmos` on its first call: the SDK is a third of what a cold start would otherwise
 * parse, and the requests a client makes first (discovery, registration metadata, `/health`) never
 * touch Cosmos.
 */
export interface StoreContainer {
  readonly items: {
    create<T extends ItemDefinition>(body: T, options?: RequestOptions): Promise<ItemResponse<T>>;
    upsert<T extends ItemDefinition>(body: T, options?: RequestOptions): Promise<ItemResponse<T>>;
    query<T>(query: string | SqlQuerySpec, options?: FeedOptions): { fetchAll(): Promise<FeedResponse<T>> };
  };
  item(
    id: string,
    partitionKeyValue?: PartitionKey,
  ): {
    read<T extends ItemDefinition>(options?: RequestOptions): Promise<ItemResponse<T>>;
    replace<T extends ItemDefinition>(body: T, options?: RequestOptions): Promise<ItemResponse<T>>;
    delete<T extends ItemDefinition>(options?: RequestOptions): Promise<ItemResponse<T>>;
  };
  read(options?: RequestOptions): Promise<unknown>;
}

/** A container opened on first use; a failed open (it makes no network call) is retried on the next. */
export function lazyContainer(open: () => Promise<Container>): StoreContainer {
  const container = onceSucceeded(open);
  return {
    items: {
      create: async <T extends ItemDefinition>(body: T, options?: RequestOptions) => (await container()).items.create<T>(body, options),
      upsert: async <T extends ItemDefinition>(body: T, options?: RequestOptions) => (await container()).items.upsert<T>(body, options),
      query: <T>(query: string | SqlQuerySpec, options?: FeedOptions) => ({
        fetchAll: async () => (await container()).items.query<T>(query, options).fetchAll(),
      }),
    },
    item: (id, partitionKeyValue) => ({
      read: async <T extends ItemDefinition>(options?: RequestOptions) => (await container()).item(id, partitionKeyValue).read<T>(options),
      replace: async <T extends ItemDefinition>(body: T, options?: RequestOptions) => (await container()).item(id, partitionKeyValue).replace<T>(body, options),
      delete: async <T extends ItemDefinition>(options?: RequestOptions) => (await container()).item(id, partitionKeyValue).delete<T>(options),
    }),
    read: async (options) => (await container()).read(options),
  };
}
