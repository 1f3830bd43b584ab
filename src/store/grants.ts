import type { StoreContainer } from './lazy-container.js';
import type { EntraUser } from '../entra/user.js';

/** A record with the ETag it was read or written with, for a later conditional write. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** A conditional write lost: someone else changed the record since it was read (Cosmos 412). */
export class ConcurrentUpdateError extends Error {
  override readonly name = 'ConcurrentUpdateError';
}

/** The signed-in Entra user a grant acts for. */
export type GrantUser = EntraUser;

/** The Entra tokens of a grant, sealed with the grant's data key (never stored in clear). */
export interface SealedEntraTokens {
  /** Compact JWE (dir + A256GCM) of `{ accessToken, expiresOn, refreshToken }` under the grant's data key. */
  sealed: string;
  /** Epoch ms when the Entra access token expires; in clear so renewal can be decided without a key. */
  accessTokenExpiresAt: number;
}

/** One live refresh token of a grant: its hash and the grant's data key wrapped under it. */
export interface RefreshSlot {
  hash: string;
  wrappedKey: string;
  issuedAt: number;
}

/**
 * The refresh token `current` replaced. `successor` is the token response its use produced (the new
 * refresh and access token), sealed under a key derived from the retired token itself, so a retry
 * with that token gets the very same pair while a database export opens nothing.
 */
export interface RetiredRefreshSlot {
  hash: string;
  retiredAt: number;
  successor: string;
}

/**
 * A grant (session). Times are epoch milliseconds. `refresh.current` is the newest refresh token;
 * `refresh.previous` is the one it replaced, still answered (with the same successor) until `current`
 * is first used or the retry grace window has passed, whichever comes first.
 */
export interface GrantRecord {
  id: string;
  user: GrantUser;
  clientId: string;
  scopes: string[];
  resource: string;
  createdAt: number;
  lastUsedAt: number;
  /** Idle expiry: extended by each refresh; until the code is redeemed, the code's lifetime. */
  expiresAt: number;
  revoked: boolean;
  revokedAt?: number;
  revokedReason?: string;
  /** Null once revoked: a revoked grant keeps no Entra token, even sealed. */
  entra: SealedEntraTokens | null;
  refresh: { current: RefreshSlot; previous?: RetiredRefreshSlot } | null;
}

/**
 * Grants, one document per grant in the `grants` container (partition key = id).
 *
 * - `get` is a point read; it returns `undefined` when the grant is missing or past `expiresAt`
 *   (expiry is enforced here on every read; the per-item `ttl` only lets Cosmos collect garbage).
 *   Revoked grants are returned with `revoked: true` until they expire, so callers can say why.
 * - `replace` writes only if the stored ETag is still `etag` (Cosmos `IfMatch`), else throws
 *   `ConcurrentUpdateError`: every state change of a grant (refresh rotation, Entra renewal,
 *   revocation) is a read followed by this conditional write, never a blind write.
 * - `revoke` marks the grant revoked and drops its sealed Entra tokens and refresh slots; it retries
 *   on conflicts, so it wins against any concurrent writer. Revoking a missing grant is a no-op.
 * - `liveIdsByClient` lists the ids of a client's grants that are neither revoked nor expired: a
 *   cross-partition query, for the admin tool's "revoke a client", never for a hot path.
 * - `liveByUser` lists a user's grants that are neither revoked nor expired and whose code was redeemed
 *   (they hold a refresh token): a cross-partition query, for the user's /account page.
 */
export interface GrantStore {
  create(grant: GrantRecord, nowMs: number): Promise<Versioned<GrantRecord>>;
  get(id: string, nowMs: number): Promise<Versioned<GrantRecord> | undefined>;
  replace(grant: GrantRecord, etag: string, nowMs: number): Promise<Versioned<GrantRecord>>;
  revoke(id: string, reason: string, nowMs: number): Promise<void>;
  liveIdsByClient(clientId: string, nowMs: number): Promise<string[]>;
  liveByUser(oid: string, nowMs: number): Promise<GrantRecord[]>;
}

export function createCosmosGrantStore(container: StoreContainer): GrantStore {
  const store: GrantStore = {
    async create(grant, nowMs) {
      const { resource, etag } = await container.items.create(toDocument(grant, nowMs));
      return versioned(resource, etag);
    },

    async get(id, nowMs) {
      const { resource, etag } = await container.item(id, id).read<GrantRecord>();
      if (!resource || !etag || resource.expiresAt <= nowMs) return undefined;
      return versioned(resource, etag);
    },

    async replace(grant, etag, nowMs) {
      try {
        const result = await container
          .item(grant.id, grant.id)
          .replace<GrantRecord>(toDocument(grant, nowMs), { accessCondition: { type: 'IfMatch', condition: etag } });
        return versioned(result.resource, result.etag);
      } catch (err) {
        throw translateConflict(err, 'grant');
      }
    },

    async revoke(id, reason, nowMs) {
      // Bounded only by contention: each lost round means another writer just wrote, and revocation
      // must win over all of them (a refresh racing a replay must not resurrect the grant).
      for (let attempt = 0; attempt < 20; attempt++) {
        const current = await store.get(id, nowMs);
        if (!current || current.value.revoked) return;
        const revoked: GrantRecord = {
          ...current.value,
          revoked: true,
          revokedAt: nowMs,
          revokedReason: reason,
          entra: null,
          refresh: null,
        };
        try {
          await store.replace(revoked, current.etag, nowMs);
          return;
        } catch (err) {
          if (!(err instanceof ConcurrentUpdateError)) throw err;
        }
      }
      throw new ConcurrentUpdateError('could not revoke the grant: too many concurrent updates');
    },

    async liveIdsByClient(clientId, nowMs) {
      const { resources } = await container.items
        .query<{ id: string }>({
          query: 'SELECT c.id FROM c WHERE c.clientId = @clientId AND c.revoked = false AND c.expiresAt > @now',
          parameters: [
            { name: '@clientId', value: clientId },
            { name: '@now', value: nowMs },
          ],
        })
        .fetchAll();
      return resources.map((r) => r.id);
    },

    async liveByUser(oid, nowMs) {
      const { resources } = await container.items
        .query<GrantRecord>({
          query: 'SELECT * FROM c WHERE c.user.oid = @oid AND c.revoked = false AND c.expiresAt > @now',
          parameters: [
            { name: '@oid', value: oid },
            { name: '@now', value: nowMs },
          ],
        })
        .fetchAll();
      return resources.map(withoutSystemFields).filter((grant) => grant.refresh !== null);
    },
  };
  return store;
}

/** Cosmos status code of a failed request, if it has one. */
export function cosmosStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Maps a 412 (and a 404 from a conditional write: the record vanished) to `ConcurrentUpdateError`. */
export function translateConflict(err: unknown, what: string): unknown {
  const status = cosmosStatus(err);
  if (status === 412 || status === 404) return new ConcurrentUpdateError(`the ${what} changed concurrently`);
  return err;
}

/** Seconds until `expiresAt`, at least 1, for the per-item Cosmos `ttl` (garbage collection only). */
export function ttlSeconds(expiresAt: number, nowMs: number): number {
  return Math.max(1, Math.ceil((expiresAt - nowMs) / 1000));
}

/** Drops Cosmos system properties (`_etag`, `_ts`, …) and `ttl`, keeping only the record's own fields. */
export function withoutSystemFields<T extends object>(doc: T): T {
  return Object.fromEntries(Object.entries(doc).filter(([name]) => !name.startsWith('_') && name !== 'ttl')) as T;
}

function toDocument(grant: GrantRecord, nowMs: number): GrantRecord & { ttl: number } {
  return { ...withoutSystemFields(grant), ttl: ttlSeconds(grant.expiresAt, nowMs) };
}

function versioned(resource: GrantRecord | undefined, etag: string | undefined): Versioned<GrantRecord> {
  if (!resource || !etag) throw new Error('Cosmos returned no grant document or ETag');
  return { value: withoutSystemFields(resource), etag };
}
