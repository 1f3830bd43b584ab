import type { StoreContainer } from './lazy-container.js';
import type { RegisteredClient } from '../oauth/client.js';
import { isUrlClientId, type CimdResolver } from '../oauth/cimd.js';
import { LruCache } from '../oauth/lru-cache.js';
import { ttlSeconds } from './grants.js';

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
  /**
   * One page of the registered (DCR) clients that have not expired, ordered by `client_id`, for the
   * admin tool: at most `limit` (capped at `MAX_PAGE`), after the cursor `after` (a `client_id` from the
   * previous page's `next`). A cross-partition query, so not for hot paths.
   */
  listClients(page?: { after?: string; limit?: number }): Promise<{ clients: RegisteredClient[]; next?: string }>;
  /**
   * A DCR client was used (tokens were issued to it): its expiry moves to `usedTtlSeconds` from now.
   * Written at most once a day per client, so a busy client costs no write per refresh.
   */
  recordUse(client: RegisteredClient): Promise<void>;
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
  /** Epoch ms; absent on documents written before clients expired (they never do). */
  expiresAt?: number;
  /** Cosmos per-item TTL in seconds: garbage collection only, expiry is enforced on read. */
  ttl?: number;
}

const CACHE_TTL_MS = 5 * 60 * 1000;
/** The largest page `listClients` returns. */
export const MAX_PAGE = 50;
/** A used client's expiry is written again only when it would move by more than this. */
const USE_WRITE_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** Cosmos ids cannot hold `/ \ ? #` and are at most 255 characters; such a client_id cannot exist. */
function isStorableId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !/[/\\?#]/.test(id);
}

function toClient(doc: ClientDocument): RegisteredClient {
  const client: RegisteredClient = { clientId: doc.id, source: 'dcr', metadata: doc.metadata, issuedAt: doc.issuedAt };
  if (doc.secretHash) client.secretHash = doc.secretHash;
  if (doc.expiresAt !== undefined) client.expiresAt = doc.expiresAt;
  return client;
}

function toDocument(client: RegisteredClient, nowMs: number): ClientDocument {
  const doc: ClientDocument = { id: client.clientId, source: 'dcr', metadata: client.metadata, issuedAt: client.issuedAt };
  if (client.secretHash) doc.secretHash = client.secretHash;
  if (client.expiresAt !== undefined) {
    doc.expiresAt = client.expiresAt;
    doc.ttl = ttlSeconds(client.expiresAt, nowMs);
  }
  return doc;
}

function expired(client: { expiresAt?: number }, nowMs: number): boolean {
  return client.expiresAt !== undefined && client.expiresAt <= nowMs;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export interface CosmosClientStoreOptions {
  container: StoreContainer;
  cimd: CimdResolver;
  cacheEntries?: number;
  now?: () => number;
  /**
   * How long a registered client lives until it is first used (default one day): registrations nobody
   * signs in with (a flood, an abandoned attempt) disappear by themselves.
   */
  unusedTtlSeconds?: number;
  /** How long a used client lives after its last use (the grant lifetime, REFRESH_TOKEN_TTL_SECONDS). */
  usedTtlSeconds?: number;
}

/** The Cosmos-backed store with an in-memory LRU in front of the point reads. */
export function createCosmosClientStore(options: CosmosClientStoreOptions): ClientStore {
  const { container, cimd } = options;
  const now = options.now ?? Date.now;
  const cache = new LruCache<RegisteredClient>(options.cacheEntries ?? 1000, now);
  const unusedTtlMs = (options.unusedTtlSeconds ?? 24 * 60 * 60) * 1000;
  const usedTtlMs = (options.usedTtlSeconds ?? 30 * 24 * 60 * 60) * 1000;
  // Never more than a tenth of the lifetime: with a lifetime near a day, a client in steady use would
  // otherwise expire between two writes (found by the simulated week in test/reliability/expiry.test.ts).
  const writeIntervalMs = Math.min(USE_WRITE_INTERVAL_MS, usedTtlMs / 10);

  return {
    async getClient(clientId) {
      if (isUrlClientId(clientId)) return cimd.resolve(clientId);
      if (!isStorableId(clientId)) return undefined;
      const cached = cache.get(clientId);
      if (cached && !expired(cached, now())) return cached;
      const { resource } = await container.item(clientId, clientId).read<ClientDocument>();
      // Expiry is enforced here, on every read; the Cosmos `ttl` only collects the garbage.
      if (!resource || expired(resource, now())) return undefined;
      const client = toClient(resource);
      cache.set(clientId, client, CACHE_TTL_MS);
      return client;
    },

    async registerClient(client) {
      if (client.source !== 'dcr' || !isStorableId(client.clientId)) throw new Error('only DCR clients with a storable id are stored');
      const stored: RegisteredClient = { ...client, expiresAt: now() + unusedTtlMs };
      await container.items.create(toDocument(stored, now()));
      cache.set(client.clientId, stored, CACHE_TTL_MS);
    },

    async listClients(page = {}) {
      const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(page.limit ?? MAX_PAGE)));
      // Keyset paging on the id (no continuation token to keep): TOP takes a literal, hence the checked integer.
      const { resources } = await container.items
        .query<ClientDocument>({
          query: `SELECT TOP ${limit + 1} * FROM c WHERE c.id > @after AND (NOT IS_DEFINED(c.expiresAt) OR c.expiresAt > @now) ORDER BY c.id`,
          parameters: [
            { name: '@after', value: page.after ?? '' },
            { name: '@now', value: now() },
          ],
        })
        .fetchAll();
      const clients = resources.slice(0, limit).map(toClient);
      return resources.length > limit ? { clients, next: clients[clients.length - 1]!.clientId } : { clients };
    },

    async recordUse(client) {
      if (client.source !== 'dcr' || client.expiresAt === undefined) return;
      const expiresAt = now() + usedTtlMs;
      if (expiresAt - client.expiresAt < writeIntervalMs) return;
      const used: RegisteredClient = { ...client, expiresAt };
      try {
        // A plain replace: concurrent uses all move the expiry forward, so whichever write lands is right;
        // a client deleted meanwhile stays deleted (replace never creates).
        await container.item(client.clientId, client.clientId).replace(toDocument(used, now()));
        cache.set(client.clientId, used, CACHE_TTL_MS);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
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
