import { createHash } from 'node:crypto';
import type { StoreContainer } from './lazy-container.js';
import { cosmosStatus, ttlSeconds, withoutSystemFields } from './grants.js';

/** Whose challenge: the Entra user, by tenant and object id (never by name, never by session). */
export interface ChallengedUser {
  tid: string;
  oid: string;
}

/**
 * Conditional Access claims challenges waiting for the user's next sign-in (see docs/tools.md,
 * "Conditional Access and MFA"). When on-behalf-of for a downstream API answers "interaction required"
 * with a claims challenge, the tool stores it here under the user's `tid`+`oid`; the gateway's
 * /callback takes it once the *same* user has signed in at Entra and sends it as `claims` on one more
 * Entra authorize, so that one re-sign-in satisfies the policy.
 *
 * - `put` replaces any earlier challenge of the user (the newest is what Entra asks for now).
 * - `take` returns the challenge at most once (delete with `IfMatch`: of two concurrent sign-ins one
 *   gets it) and nothing once it has expired (`CLAIMS_CHALLENGE_TTL_MS`, enforced here on read).
 */
export interface ClaimsChallengeStore {
  put(user: ChallengedUser, claims: string, nowMs: number): Promise<void>;
  take(user: ChallengedUser, nowMs: number): Promise<string | undefined>;
}

/** Long enough to reconnect a client and sign in again; short enough that a stale challenge is not replayed days later. */
export const CLAIMS_CHALLENGE_TTL_MS = 60 * 60 * 1000;

interface ChallengeDocument {
  id: string;
  claims: string;
  createdAt: number;
  expiresAt: number;
}

/** `cac.` + SHA-256 of `tid|oid` (lower-cased): cannot collide with the hashed states beside it. */
export function challengeId(user: ChallengedUser): string {
  return `cac.${createHash('sha256').update(`${user.tid.toLowerCase()}|${user.oid.toLowerCase()}`).digest('base64url')}`;
}

/**
 * Kept in the `authorizations` container (short-lived, per-item TTL, partitioned by `/id`): a pending
 * challenge is state for the user's next authorization, like the pending authorizations themselves,
 * and needs no container (nor Bicep) of its own.
 */
export function createCosmosClaimsChallengeStore(container: StoreContainer): ClaimsChallengeStore {
  return {
    async put(user, claims, nowMs) {
      const expiresAt = nowMs + CLAIMS_CHALLENGE_TTL_MS;
      const doc: ChallengeDocument = { id: challengeId(user), claims, createdAt: nowMs, expiresAt };
      await container.items.upsert({ ...doc, ttl: ttlSeconds(expiresAt, nowMs) });
    },

    async take(user, nowMs) {
      const id = challengeId(user);
      const item = container.item(id, id);
      const { resource, etag } = await item.read<ChallengeDocument>();
      if (!resource || !etag) return undefined;
      try {
        await item.delete({ accessCondition: { type: 'IfMatch', condition: etag } });
      } catch (err) {
        const status = cosmosStatus(err);
        if (status === 412 || status === 404) return undefined;
        throw err;
      }
      const doc = withoutSystemFields(resource);
      return doc.expiresAt > nowMs ? doc.claims : undefined;
    },
  };
}
