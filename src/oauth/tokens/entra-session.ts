import { openJson, sealJson } from '../../crypto/aead.js';
import { OpenedCache } from '../../crypto/opened-cache.js';
import { ConcurrentUpdateError, type GrantRecord, type GrantStore, type SealedEntraTokens, type Versioned } from '../../store/grants.js';
import { InvalidTokenError } from '../errors.js';

/** Entra tokens as the Entra client (`src/entra/upstream.ts`, `EntraTokens`) returns them. */
export interface EntraTokenSet {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresOn: number;
  /** Absent when Entra returned none (no `offline_access`); the session then ends with the access token. */
  refreshToken?: string;
}

/**
 * Renews the Entra access token with Entra's refresh token (supplied by the Entra client). It throws
 * on failure; the error reaches the caller of `entraTokens()` unchanged.
 */
export type RefreshUpstream = (entraRefreshToken: string) => Promise<EntraTokenSet>;

/** The Entra access token handed to tools (the Entra refresh token never leaves this module). */
export interface EntraAccessToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresOn: number;
}

/** Renew the Entra access token when less than this is left, so a tool never gets one about to lapse. */
export const ENTRA_RENEW_BEFORE_MS = 5 * 60 * 1000;

const PURPOSE = 'entra-tokens';

type StoredEntraTokens = EntraTokenSet;

export async function sealEntraTokens(tokens: EntraTokenSet, dataKey: Uint8Array): Promise<SealedEntraTokens> {
  const stored: StoredEntraTokens = {
    accessToken: tokens.accessToken,
    expiresOn: tokens.expiresOn,
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
  };
  return { sealed: await sealJson(dataKey, stored, PURPOSE), accessTokenExpiresAt: stored.expiresOn };
}

export async function openEntraTokens(sealed: SealedEntraTokens, dataKey: Uint8Array): Promise<EntraTokenSet> {
  const stored = await openJson<StoredEntraTokens>(dataKey, sealed.sealed, PURPOSE);
  return {
    accessToken: stored.accessToken,
    expiresOn: stored.expiresOn,
    ...(stored.refreshToken ? { refreshToken: stored.refreshToken } : {}),
  };
}

export interface RenewalContext {
  grants: GrantStore;
  refreshUpstream: RefreshUpstream;
  nowMs: () => number;
  /** Told of every grant version this renewal reads or writes (to keep a cache current). */
  onGrant(grant: Versioned<GrantRecord>): void;
  /**
   * Entra access tokens already decrypted, by digest of the data key and the sealed value: a tool
   * called again in the same session does not decrypt the same grant version again. Only the access
   * token is kept, and only until it is due for renewal; a wrong key is a different entry (a miss).
   */
  opened?: OpenedCache<EntraAccessToken>;
}

/**
 * The grant's Entra access token, renewed first when it is within `ENTRA_RENEW_BEFORE_MS` of expiry.
 * The renewed tokens are sealed with the same data key (so every wrapped copy of it stays valid) and
 * written with `IfMatch`. On a conflict the grant is read again: if another writer already renewed,
 * its tokens are used; otherwise ours are written onto the newer version, without asking Entra twice.
 */
export async function currentEntraAccessToken(context: RenewalContext, start: Versioned<GrantRecord>, dataKey: Uint8Array): Promise<EntraAccessToken> {
  let grant = start;
  let renewed: SealedEntraTokens | undefined;
  let renewedTokens: EntraTokenSet | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const sealed = usableEntra(grant.value);
    const cacheKey = context.opened && OpenedCache.key(dataKey, sealed.sealed);
    const known = cacheKey ? context.opened?.get(cacheKey, context.nowMs()) : undefined;
    if (known) return known;
    const stored = await openEntraTokens(sealed, dataKey);
    if (stored.expiresOn - context.nowMs() > ENTRA_RENEW_BEFORE_MS) {
      if (cacheKey) context.opened?.set(cacheKey, accessOnly(stored), stored.expiresOn - ENTRA_RENEW_BEFORE_MS);
      return accessOnly(stored);
    }
    if (!renewed || !renewedTokens) {
      if (!stored.refreshToken) {
        throw new InvalidTokenError('The Entra ID session behind this token has expired; sign in again.');
      }
      const fresh = await context.refreshUpstream(stored.refreshToken);
      // Entra may omit a new refresh token; the old one then stays valid and is kept.
      renewedTokens = { ...fresh, refreshToken: fresh.refreshToken ?? stored.refreshToken };
      renewed = await sealEntraTokens(renewedTokens, dataKey);
    }
    try {
      const written = await context.grants.replace({ ...grant.value, entra: renewed }, grant.etag, context.nowMs());
      context.onGrant(written);
      return accessOnly(renewedTokens);
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError)) throw err;
      const reread = await context.grants.get(grant.value.id, context.nowMs());
      if (!reread) throw new InvalidTokenError('The session behind this token has ended; sign in again.');
      context.onGrant(reread);
      grant = reread;
    }
  }
  throw new InvalidTokenError('The Entra ID token could not be renewed because of concurrent updates; retry.');
}

function usableEntra(grant: GrantRecord): SealedEntraTokens {
  if (grant.revoked || !grant.entra) throw new InvalidTokenError('The session behind this token was revoked; sign in again.');
  return grant.entra;
}

function accessOnly(tokens: EntraTokenSet): EntraAccessToken {
  return { accessToken: tokens.accessToken, expiresOn: tokens.expiresOn };
}
