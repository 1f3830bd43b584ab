import type { GrantRecord, RefreshSlot } from '../../store/grants.js';
import { sameSecret } from './opaque.js';

export type PresentedRefreshToken =
  /** The newest token: using it retires the previous one. */
  | { kind: 'current'; slot: RefreshSlot }
  /** The token before it, whose successor has not been used yet: the retry grace. */
  | { kind: 'previous'; slot: RefreshSlot }
  /** A token of this grant that is no longer live: reuse, so the grant must be revoked. */
  | { kind: 'superseded' };

/** Classifies a presented refresh token (by hash, compared in constant time) against its grant. */
export function classifyRefreshToken(grant: GrantRecord, tokenHash: string): PresentedRefreshToken {
  const refresh = grant.refresh;
  if (refresh && sameSecret(refresh.current.hash, tokenHash)) return { kind: 'current', slot: refresh.current };
  if (refresh?.previous && sameSecret(refresh.previous.hash, tokenHash)) {
    return { kind: 'previous', slot: refresh.previous };
  }
  return { kind: 'superseded' };
}

/**
 * The grant's refresh slots after `presented` was exchanged for `next`.
 *
 * Why the previous token survives until its successor is first used (the reasoning of Cloudflare's
 * workers-oauth-provider): a client whose refresh response was lost in transit still holds only the
 * old token, and must be able to retry instead of being signed out.
 * So using `current` makes it the new `previous` (dropping the older one for good), while a retry
 * with `previous` keeps `previous` and replaces the never-used `current`.
 */
export function rotateRefreshSlots(
  grant: GrantRecord,
  presented: Exclude<PresentedRefreshToken, { kind: 'superseded' }>,
  next: RefreshSlot,
): NonNullable<GrantRecord['refresh']> {
  if (presented.kind === 'current') return { current: next, previous: presented.slot };
  return { current: next, previous: grant.refresh?.previous ?? presented.slot };
}
