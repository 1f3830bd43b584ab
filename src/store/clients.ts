import type { Container } from '@azure/cosmos';
import type { RegisteredClient } from '../oauth/client.js';
import { isUrlClientId, type CimdResolver } from '../oauth/cimd.js';
import { LruCache } from '../oauth/lru-cache.js';

/**
 * Where OAuth clients come from. Lookups happen on every authorize and token request, so `getClient`
 * is a point read behind a cache, never a query.
 */
export interface ClientStore {
  /**
   * The client with this `client_id`, or `undefined` if there is none.
   * - A URL `client_id` is a client ID metadata document: it is fetched (SSRF-safe) and validated, or
   *   served from the resolver's cache; a document that cannot be used throws `InvalidClientError`
   *   with a description that says why (show it; it holds no secret).
   * - Anything else is a dynamically registered client: a Cosmos point read, cached in memory for a
   *   few minutes (so a client deleted on another instance may still resolve there until then).
   */
  getClient(clientId: string): Promise<RegisteredClient | undefined>;
  /** Stores a new DCR client (`source: 'dcr'`). Its `clientId` must be new; a collision throws. */
  registerClient(client: RegisteredClient): Promise<void>;
  /** Every registered (DCR) client, for the admin tool; a cross-partition query, so not for hot paths. */
  listClients(): Promise<RegisteredClient[]>;
  /** Deletes a DCR client; false when it did not exist. Grants it holds are not touched here. */
  deleteClient(clientId: string): Promise<boolean>;
}

/** How a client is kept in the `clients` container (partition key /id = client_id). */
interface ClientDocument {
  id: string;
  source: 'dcr';
  metadata: RegisteredClient['metadata'];
  secretHash?: string;
  issuedAt: number;
}

const CACHE_TTL_MS = 5 * 60 * 1000;

/** Cosmos ids cannot hold `/ \ ? #` and are at most 255 characters; such a client_id cannot exist. */
function isStorableId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !/[/\\?#]/.test(id);
}

function toClient(doc: ClientDocument): RegisteredClient {
  const client: RegisteredClient = { clientId: doc.id, source: 'dcr', metadata: doc.metadata, issuedAt: doc.issuedAt };
  if (doc.secretHash) client.secretHash = doc.secretHash;
  return client;
}

function toDocument(client: RegisteredClient): ClientDocument {
  const doc: ClientDocument = { id: client.clientId, source: 'dcr', metadata: client.metadata, issuedAt: client.issuedAt };
  if (client.secretHash) doc.secretHash = client.secretHash;
  return doc;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export interface CosmosClientStoreOptions {
  container: Container;
  cimd: CimdResolver;
  cacheEntries?: number;
  now?: () => number;
}

/** The Cosmos-backed store with an in-memory LRU in front of the point reads. */
export function createCosmosClientStore(options: CosmosClientStoreOptions): ClientStore {
  const { container, cimd } = options;
  const cache = new LruCache<RegisteredClient>(options.cacheEntries ?? 1000, options.now);

  return {
    async getClient(clientId) {
      if (isUrlClientId(clientId)) return cimd.resolve(clientId);
      if (!isStorableId(clientId)) return undefined;
      const cached = cache.get(clientId);
      if (cached) return cached;
      const { resource } = await container.item(clientId, clientId).read<ClientDocument>();
      if (!resource) return undefined;
      const client = toClient(resource);
      cache.set(clientId, client, CACHE_TTL_MS);
      return client;
    },

    async registerClient(client) {
      if (client.source !== 'dcr' || !isStorableId(client.clientId)) throw new Error('only DCR clients with a storable id are stored');
      await container.items.create(toDocument(client));
      cache.set(client.clientId, client, CACHE_TTL_MS);
    },

    async listClients() {
      const { resources } = await container.items.query<ClientDocument>('SELECT * FROM c').fetchAll();
      return resources.map(toClient);
    },

    async deleteClient(clientId) {
      cache.delete(clientId);
      if (!isStorableId(clientId)) return false;
      try {
        await container.item(clientId, clientId).delete();
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
    },
  };
}
