import type { ConfidentialClientApplication } from '@azure/msal-node';
import { observeObo } from '../observability/metrics.js';
import { aadstsCodeOf } from './aadsts.js';

/**
 * On-behalf-of (OBO): the user's Entra access token for the gateway's API is exchanged, through the
 * gateway's one MSAL confidential client (same credential as the sign-in: federated managed identity,
 * secret or certificate), for a token of a downstream API such as Microsoft Graph.
 *
 * Results are cached here, per user (`tid` + `oid`) and scope, until `RENEW_BEFORE_MS` before they
 * expire. MSAL has an OBO cache too, but keys it by the hash of the incoming assertion: every time the
 * grant renews the user's Entra token (hourly), and for every other session of the same user, the
 * assertion differs, MSAL misses, and a new OBO round trip to Entra follows. A user's delegated Graph
 * token does not depend on which of their sessions asked, so keying by user and scope is both correct
 * and what makes the cache hit. It is safe because the caller has already checked the session (a
 * revoked grant never reaches this code), and bounded (LRU) so a busy instance cannot grow without end.
 */
export interface OboToken {
  /** Never put it in a result, an error or a log line. */
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface OboUser {
  oid: string;
  tid: string;
}

export interface OboClient {
  /** Throws `OboError` (never holding a token) when Entra refuses or cannot be reached. */
  acquire(user: OboUser, assertion: string, scope: string): Promise<OboToken>;
  /** Drops the cached token, e.g. after the downstream API refused it (revoked, changed consent). */
  forget(user: OboUser, scope: string): void;
}

export type OboFailure = 'consent_required' | 'interaction_required' | 'blocked' | 'session_expired' | 'unavailable' | 'refused';

/** Why the exchange failed, with Entra's AADSTS number when it gave one. Safe to show; holds no token. */
export class OboError extends Error {
  override readonly name = 'OboError';
  constructor(
    readonly kind: OboFailure,
    readonly aadsts: string | undefined,
    message: string,
    /**
     * Entra's Conditional Access claims challenge (JSON text, e.g. `{"access_token":{"capolids":…}}`),
     * to be sent as `claims` on the user's next interactive sign-in. Holds policy ids, no secret.
     */
    readonly claims?: string,
  ) {
    super(message);
  }
}

export interface OboClientOptions {
  /** The shared confidential client (see `lazyConfidentialClient`). */
  msal: () => Promise<Pick<ConfidentialClientApplication, 'acquireTokenOnBehalfOf'>>;
  maxEntries?: number;
  now?: () => number;
}

/** Entra's tokens live 60–90 minutes; renewing five minutes early means no call starts with a token about to lapse. */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;
const DEFAULT_MAX_ENTRIES = 5_000;

export function createOboClient(options: OboClientOptions): OboClient {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const cache = new Map<string, OboToken>();
  const inFlight = new Map<string, Promise<OboToken>>();
  const keyOf = (user: OboUser, scope: string) => `${user.tid.toLowerCase()}|${user.oid.toLowerCase()}|${scope}`;

  function cached(key: string): OboToken | undefined {
    const hit = cache.get(key);
    if (!hit) return undefined;
    cache.delete(key);
    if (hit.expiresAt - RENEW_BEFORE_MS <= now()) return undefined;
    cache.set(key, hit); // re-insert: Map order is recency order
    return hit;
  }

  function remember(key: string, token: OboToken): void {
    cache.delete(key);
    cache.set(key, token);
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  }

  async function exchange(key: string, assertion: string, scope: string): Promise<OboToken> {
    const msal = await options.msal().catch(() => {
      throw new OboError('unavailable', undefined, 'Entra ID could not be reached.');
    });
    let result;
    try {
      // skipCache: this module decides when a token is stale (see above); MSAL's copy would only be
      // found for this exact assertion anyway.
      result = await msal.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [scope], skipCache: true });
    } catch (err) {
      throw oboErrorFrom(err);
    }
    if (!result?.accessToken) throw new OboError('unavailable', undefined, 'Entra ID returned no token for the on-behalf-of request.');
    const token = { accessToken: result.accessToken, expiresAt: result.expiresOn?.getTime() ?? now() + 3600_000 };
    remember(key, token);
    return token;
  }

  return {
    async acquire(user, assertion, scope) {
      const key = keyOf(user, scope);
      const hit = cached(key);
      if (hit) return hit;
      // Concurrent calls for one user share one exchange.
      let pending = inFlight.get(key);
      if (!pending) {
        pending = observeObo(scope, () => exchange(key, assertion, scope)).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
    forget(user, scope) {
      cache.delete(keyOf(user, scope));
    },
  };
}

const INTERACTION = new Set(['50076', '50079', '50158', '50074', '50072']);
const EXPIRED = new Set(['500133', '700082', '50173', '70008', '50132']);

/**
 * Classifies an MSAL failure. MSAL's `ServerError` / `InteractionRequiredAuthError` carry Entra's
 * `errorNo` and `subError`; a failure without an AADSTS number (network, discovery) is `unavailable`.
 */
export function oboErrorFrom(err: unknown): OboError {
  const f = (err ?? {}) as { subError?: unknown; errorCode?: unknown; claims?: unknown };
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const code = aadstsCodeOf(err);
  const sub = text(f.subError);
  const claims = text(f.claims);
  if (code === '65001' || sub === 'consent_required' || text(f.errorCode) === 'consent_required') {
    return new OboError('consent_required', code ?? '65001', 'Consent is missing for the downstream permission.');
  }
  if (code === '53003') return new OboError('blocked', code, 'A Conditional Access policy blocks access to the downstream API.');
  if (code && INTERACTION.has(code)) {
    return new OboError('interaction_required', code, 'Entra ID requires the user to sign in again (multi-factor or Conditional Access).', claims);
  }
  if (code && EXPIRED.has(code)) return new OboError('session_expired', code, 'The Entra ID session can no longer be used; sign in again.');
  if (!code) return new OboError('unavailable', undefined, 'Entra ID could not be reached for the on-behalf-of request.');
  return new OboError('refused', code, `Entra ID refused the on-behalf-of request (AADSTS${code}).`);
}
