import type { StoreContainer } from './lazy-container.js';
import { ttlSeconds, withoutSystemFields } from './grants.js';

/**
 * The index from a refresh token's SHA-256 to its grant. Which token is live is decided by the
 * grant (`GrantRecord.refresh`), never by this record, so rotation is one conditional write on the
 * grant. This index is kept for every token ever issued until it expires: it is how the reuse of an
 * old, superseded token is recognised and answered by revoking its grant.
 */
export interface RefreshTokenRecord {
  id: string;
  grantId: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Refresh-token index in the `refreshTokens` container (partition key = id = token hash).
 * `find` returns `undefined` when the record is missing or past `expiresAt` at `nowMs`.
 */
export interface RefreshTokenStore {
  create(record: RefreshTokenRecord, nowMs: number): Promise<void>;
  find(tokenHash: string, nowMs: number): Promise<RefreshTokenRecord | undefined>;
}

export function createCosmosRefreshTokenStore(container: StoreContainer): RefreshTokenStore {
  return {
    async create(record, nowMs) {
      await container.items.create({ ...record, ttl: ttlSeconds(record.expiresAt, nowMs) });
    },

    async find(tokenHash, nowMs) {
      const { resource } = await container.item(tokenHash, tokenHash).read<RefreshTokenRecord>();
      if (!resource || resource.expiresAt <= nowMs) return undefined;
      return withoutSystemFields(resource);
    },
  };
}
