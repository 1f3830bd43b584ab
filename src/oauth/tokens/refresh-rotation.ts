import type { GrantRecord, RefreshSlot, RetiredRefreshSlot } from '../../store/grants.js';
import { sameSecret } from './opaque.js';

export type PresentedRefreshToken =
  /** The newest token: using it retires it (it becomes `previous`) and mints a successor. */
  | { kind: 'current'; slot: RefreshSlot }
  /** The token `current` replaced, retried within the grace window: answered with the same successor. */
  | { kind: 'retry'; slot: RetiredRefreshSlot }
  /** A token of this grant that is no longer live (older, or retried too late): reuse, so the grant must be revoked. */
  | { kind: 'reuse' };

/**
 * Classifies a presented refresh token (by hash, compared in constant time) against its grant.
 *
 * Why a retired token is still answered, and why only briefly: clients fire several refreshes with
 * one token at once (each in-flight request that met a 401), and a response can be lost in transit.
 * Every such retry must get the same new pair, so whichever answer the client keeps works (the
 * reasoning of Cloudflare's workers-oauth-provider). But a retired token that worked forever would let
 * whoever copied it keep minting tokens, so it answers only until its successor is first used, and at
 * most `graceMs` after it was retired (RFC 9700 §4.14.2). After that it is reuse.
 */
export function classifyRefreshToken(grant: GrantRecord, tokenHash: string, nowMs: number, graceMs: number): PresentedRefreshToken {
  const refresh = grant.refresh;
  if (refresh && sameSecret(refresh.current.hash, tokenHash)) return { kind: 'current', slot: refresh.current };
  const previous = refresh?.previous;
  // A `previous` without `successor` was written before the grace window existed: treat it as spent.
  if (previous?.successor && sameSecret(previous.hash, tokenHash) && nowMs - previous.retiredAt <= graceMs) {
    return { kind: 'retry', slot: previous };
  }
  return { kind: 'reuse' };
}
