import { randomUUID } from 'node:crypto';
import { DecryptionError } from '../crypto/aead.js';
import { OpenedCache } from '../crypto/opened-cache.js';
import { createDataKey } from '../crypto/key-wrap.js';
import type { CodeStore } from '../store/codes.js';
import type { GrantRecord, GrantStore, GrantUser, Versioned } from '../store/grants.js';
import type { RefreshTokenStore } from '../store/refresh-tokens.js';
import { EntraSessionEndedError } from '../entra/upstream.js';
import { InvalidTokenError } from './errors.js';
import type { AccessTokenClaims, AccessTokenCodec } from './tokens/access-token.js';
import { currentEntraAccessToken, sealEntraTokens, type EntraAccessToken, type EntraTokenSet, type RefreshUpstream } from './tokens/entra-session.js';
import { GrantCache } from './tokens/grant-cache.js';
import { issueCode, redeemCode, type CodeBinding, type RedeemCodeParams } from './tokens/authorization-code.js';
import { hashSecret, isWellFormedSecret } from './tokens/opaque.js';
import { refreshGrant, type TokenIssuer, type TokenResponse } from './tokens/token-issuer.js';
import { audit } from '../observability/audit.js';

export type { TokenResponse } from './tokens/token-issuer.js';
export type { CodeBinding, RedeemCodeParams } from './tokens/authorization-code.js';
export type { EntraAccessToken, EntraTokenSet, RefreshUpstream } from './tokens/entra-session.js';

/** A grant as the endpoints and tools see it: no sealed tokens, no key material. */
export type GrantInfo = Pick<GrantRecord, 'id' | 'user' | 'clientId' | 'scopes' | 'resource' | 'createdAt' | 'lastUsedAt' | 'expiresAt'>;

export interface NewGrantInput {
  user: GrantUser;
  clientId: string;
  scopes: string[];
  /** The RFC 8707 resource the client asked for (validated by /authorize). */
  resource: string;
  entra: EntraTokenSet;
}

/**
 * A grant just created at /callback. It holds the grant's data key in memory (not visible on the
 * object), which is what lets `issueCode` wrap it under the code; only the creator can issue codes.
 */
export interface CreatedGrant {
  readonly grant: GrantInfo;
}

export interface AuthenticatedAccess {
  grant: GrantInfo;
  claims: AccessTokenClaims;
  /**
   * The grant's data key, from inside the token. Secret: only to seal towards the gateway itself
   * (for example the tool session header), so a later `entraAccessToken(grant.id, grantKey)` can
   * open the grant's Entra tokens. Never log it or send it to a client.
   */
  grantKey: Uint8Array;
  /** The user's Entra access token, renewed on the way when near expiry. Never put it in a response or a log. */
  entraTokens(): Promise<EntraAccessToken>;
}

/**
 * The authorization server's token and session core; the /callback, /token, /revoke and /mcp
 * handlers call only this. Every failure is an `OAuthError` whose description says what happened
 * and never contains a token or code. Times come from the injected clock.
 *
 * - `createGrant`: after Entra sign-in, stores the session: user, client, scopes, resource and the
 *   Entra tokens sealed under a fresh per-grant data key. Until a code is redeemed the grant lives
 *   `PENDING_GRANT_TTL_MS`.
 * - `issueCode`: a single-use code (256 bits, stored hashed) for the grant, expiring in `CODE_TTL_MS`,
 *   bound to the grant's client, scopes and resource and to `redirectUri` and `codeChallenge`.
 * - `redeemCode`: `invalid_grant` unless client, redirect URI, resource and PKCE verifier all match
 *   (a mismatch does not use the code up). The code is consumed atomically; presenting a consumed
 *   code again revokes the grant and every token it issued (RFC 9700 §4.5).
 * - `refresh`: rotates the refresh token (RFC 9700 §4.14.2). Presenting the retired token again —
 *   a retry, or concurrent refreshes with one token — answers the very same new pair, until the new
 *   refresh token is first used and at most the grace window (`refreshTokenGraceSeconds`) after the
 *   rotation; after that, or with any older token of the grant, it is reuse and revokes the grant. `scope` may only
 *   narrow (`invalid_scope` otherwise), and the narrowing applies to the new access token only.
 * - `revoke` (RFC 7009): an access or refresh token revokes its whole grant; an unknown, malformed or
 *   other client's token is ignored silently, as RFC 7009 §2.2 asks.
 * - `authenticateAccessToken`: decrypts and checks the JWE (no I/O), then the grant: from a bounded
 *   per-instance cache (`cache.maxEntries`, default 10 000 grants) when it was read less than
 *   `cache.freshForMs` ago (default 30 s), else one point read. So a revocation made on another
 *   instance is seen within 30 seconds; one made on this instance at once. Throws `InvalidTokenError`.
 */
export interface GrantService {
  createGrant(input: NewGrantInput): Promise<CreatedGrant>;
  issueCode(created: CreatedGrant, binding: CodeBinding): Promise<string>;
  redeemCode(code: string, params: RedeemCodeParams): Promise<TokenResponse>;
  refresh(refreshToken: string, params: { clientId: string; scope?: string }): Promise<TokenResponse>;
  revoke(token: string, params?: { clientId?: string }): Promise<void>;
  revokeGrant(grantId: string, reason: string): Promise<void>;
  /**
   * Revokes every live grant of a client (the admin tool's "revoke client"), each as `revokeGrant`
   * does; returns how many. Other instances see it within their grant cache's freshness (30 s).
   */
  revokeClientGrants(clientId: string, reason: string): Promise<number>;
  /** The user's live grants (signed in, code redeemed), for their /account page; no sealed tokens. */
  userGrants(oid: string): Promise<GrantInfo[]>;
  authenticateAccessToken(token: string): Promise<AuthenticatedAccess>;
  /**
   * The grant's Entra access token for someone holding its data key (see `AuthenticatedAccess.grantKey`),
   * renewed first when near expiry; the grant is read as in `authenticateAccessToken` (cache, 30 s).
   * Throws `InvalidTokenError` when the grant has ended or was revoked, or the key is not the grant's.
   */
  entraAccessToken(grantId: string, grantKey: Uint8Array): Promise<EntraAccessToken>;
}

export interface GrantServiceOptions {
  grants: GrantStore;
  codes: CodeStore;
  refreshTokens: RefreshTokenStore;
  accessTokens: AccessTokenCodec;
  refreshTokenTtlSeconds: number;
  /** How long a retired refresh token is answered with the same successor; default 60 s. */
  refreshTokenGraceSeconds?: number;
  refreshUpstream: RefreshUpstream;
  /** Epoch milliseconds; injectable so tests move time without sleeping. */
  now?: () => number;
  cache?: { maxEntries: number; freshForMs: number };
}

export const PENDING_GRANT_TTL_MS = 10 * 60 * 1000;

export function createGrantService(options: GrantServiceOptions): GrantService {
  const { grants, codes, refreshTokens, accessTokens } = options;
  const now = options.now ?? Date.now;
  const cache = new GrantCache(options.cache?.maxEntries ?? 10_000, options.cache?.freshForMs ?? 30_000);
  const dataKeys = new WeakMap<CreatedGrant, Uint8Array>();
  const renewal = {
    grants,
    refreshUpstream: options.refreshUpstream,
    nowMs: now,
    onGrant: (g: Versioned<GrantRecord>) => cache.set(g, now()),
    opened: new OpenedCache<EntraAccessToken>(options.cache?.maxEntries ?? 10_000),
  };

  async function revokeGrant(grantId: string, reason: string): Promise<void> {
    cache.delete(grantId);
    await grants.revoke(grantId, reason, now());
    audit('grant.revoked', { grantId, reason });
  }
  const issuer: TokenIssuer = {
    grants,
    refreshTokens,
    accessTokens,
    refreshTtlMs: options.refreshTokenTtlSeconds * 1000,
    refreshGraceMs: (options.refreshTokenGraceSeconds ?? 60) * 1000,
    now,
    revokeGrant,
  };

  async function grantForAccess(grantId: string): Promise<Versioned<GrantRecord>> {
    const grant = await cache.load(grantId, now, () => grants.get(grantId, now()));
    if (!grant) throw new InvalidTokenError('The session behind this access token has ended; sign in again.');
    if (grant.value.revoked) throw new InvalidTokenError('The session behind this access token was revoked; sign in again.');
    return grant;
  }

  return {
    async createGrant(input) {
      const dataKey = createDataKey();
      const at = now();
      const record: GrantRecord = {
        id: randomUUID(),
        user: input.user,
        clientId: input.clientId,
        scopes: [...input.scopes],
        resource: input.resource,
        createdAt: at,
        lastUsedAt: at,
        expiresAt: at + PENDING_GRANT_TTL_MS,
        revoked: false,
        entra: await sealEntraTokens(input.entra, dataKey),
        refresh: null,
      };
      const stored = await grants.create(record, at);
      const created: CreatedGrant = Object.freeze({ grant: infoOf(stored.value) });
      dataKeys.set(created, dataKey);
      return created;
    },

    async issueCode(created, binding) {
      const dataKey = dataKeys.get(created);
      if (!dataKey) throw new TypeError('issueCode needs the CreatedGrant returned by createGrant');
      return issueCode(codes, created.grant, dataKey, binding, now());
    },

    redeemCode: (code, params) => redeemCode({ ...issuer, codes }, code, params),

    refresh: (refreshToken, params) => refreshGrant(issuer, refreshToken, params),

    async revoke(token, params = {}) {
      const target = await revocationTarget(token);
      if (!target || (params.clientId !== undefined && params.clientId !== target.clientId)) return;
      await revokeGrant(target.grantId, 'revoked by the client');
    },

    revokeGrant,

    async revokeClientGrants(clientId, reason) {
      const ids = await grants.liveIdsByClient(clientId, now());
      for (const id of ids) await revokeGrant(id, reason);
      return ids.length;
    },

    async userGrants(oid) {
      return (await grants.liveByUser(oid, now())).map(infoOf);
    },

    async authenticateAccessToken(token) {
      const { claims, grantKey } = await accessTokens.verify(token, now());
      const grant = await grantForAccess(claims.sid);
      const { user, clientId } = grant.value;
      if (clientId !== claims.client_id || user.oid !== claims.sub || user.tid !== claims.tid) {
        throw new InvalidTokenError('The access token does not match its session.');
      }
      return {
        grant: infoOf(grant.value),
        claims,
        grantKey,
        entraTokens: () => currentEntraAccessToken(renewal, grant, grantKey),
      };
    },

    async entraAccessToken(grantId, grantKey) {
      const grant = await grantForAccess(grantId);
      try {
        return await currentEntraAccessToken(renewal, grant, grantKey);
      } catch (err) {
        if (err instanceof DecryptionError) throw new InvalidTokenError("The key presented is not this session's.");
        // Entra will not renew this session any more: end the grant, so the client re-authorizes.
        if (err instanceof EntraSessionEndedError) await revokeGrant(grantId, `Entra ID ended the session (AADSTS${err.aadsts ?? '?'})`);
        throw err;
      }
    },
  };

  async function revocationTarget(token: string): Promise<{ grantId: string; clientId: string } | undefined> {
    if (typeof token !== 'string') return undefined;
    if (token.split('.').length === 5) {
      try {
        const { claims } = await accessTokens.verify(token, now(), { allowExpired: true });
        return { grantId: claims.sid, clientId: claims.client_id };
      } catch {
        return undefined;
      }
    }
    if (!isWellFormedSecret(token)) return undefined;
    const record = await refreshTokens.find(hashSecret(token), now());
    return record && { grantId: record.grantId, clientId: record.clientId };
  }
}

function infoOf(grant: GrantRecord): GrantInfo {
  const { id, user, clientId, scopes, resource, createdAt, lastUsedAt, expiresAt } = grant;
  return { id, user, clientId, scopes, resource, createdAt, lastUsedAt, expiresAt };
}
