import type { StoreContainer } from './lazy-container.js';
import { translateConflict, ttlSeconds, withoutSystemFields, ConcurrentUpdateError } from './grants.js';

/**
 * An authorization code, stored under the SHA-256 of the code (the code itself is never stored).
 * Times are epoch milliseconds. Everything the token request must match is bound here.
 */
export interface CodeRecord {
  id: string;
  grantId: string;
  clientId: string;
  redirectUri: string;
  /** S256 challenge from the client's authorization request. */
  codeChallenge: string;
  resource: string;
  scopes: string[];
  /** The grant's data key wrapped under the code; dropped when the code is consumed. */
  wrappedKey: string | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

export type CodeLookup =
  | { status: 'unknown' }
  /** Already redeemed once: presenting it again is a replay (RFC 9700 §4.5). Checked before expiry. */
  | { status: 'consumed'; record: CodeRecord }
  | { status: 'expired'; record: CodeRecord }
  | { status: 'active'; record: CodeRecord; etag: string };

/**
 * Authorization codes in the `codes` container (partition key = id = code hash).
 *
 * - `find` classifies the code at `nowMs`; expiry is enforced here, a consumed code stays `consumed`
 *   (a replay) for as long as its document exists, even past its expiry.
 * - `markConsumed` is the atomic single use: a replace with `IfMatch` on the ETag `find` returned.
 *   It returns `true` to exactly one caller; a concurrent or later caller gets `false`.
 */
export interface CodeStore {
  create(record: CodeRecord, nowMs: number): Promise<void>;
  find(codeHash: string, nowMs: number): Promise<CodeLookup>;
  markConsumed(record: CodeRecord, etag: string, nowMs: number): Promise<boolean>;
}

/** A consumed code's document is kept this long, so a replay is still recognised (and revokes). */
const CONSUMED_RETENTION_MS = 10 * 60 * 1000;

export function createCosmosCodeStore(container: StoreContainer): CodeStore {
  return {
    async create(record, nowMs) {
      await container.items.create({ ...record, ttl: ttlSeconds(record.expiresAt, nowMs) });
    },

    async find(codeHash, nowMs) {
      const { resource, etag } = await container.item(codeHash, codeHash).read<CodeRecord>();
      if (!resource || !etag) return { status: 'unknown' };
      const record = withoutSystemFields(resource);
      if (record.consumedAt !== null) return { status: 'consumed', record };
      if (record.expiresAt <= nowMs) return { status: 'expired', record };
      return { status: 'active', record, etag };
    },

    async markConsumed(record, etag, nowMs) {
      const consumed: CodeRecord = { ...record, consumedAt: nowMs, wrappedKey: null };
      const ttl = ttlSeconds(Math.max(record.expiresAt, nowMs + CONSUMED_RETENTION_MS), nowMs);
      try {
        await container.item(record.id, record.id).replace({ ...consumed, ttl }, { accessCondition: { type: 'IfMatch', condition: etag } });
        return true;
      } catch (err) {
        if (translateConflict(err, 'code') instanceof ConcurrentUpdateError) return false;
        throw err;
      }
    },
  };
}
