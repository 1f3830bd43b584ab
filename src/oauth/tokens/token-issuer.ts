import { unwrapDataKey, wrapDataKey } from '../../crypto/key-wrap.js';
import { ConcurrentUpdateError, type GrantRecord, type GrantStore, type RefreshSlot, type Versioned } from '../../store/grants.js';
import type { RefreshTokenStore } from '../../store/refresh-tokens.js';
import { InvalidGrantError, InvalidScopeError } from '../errors.js';
import type { AccessTokenCodec } from './access-token.js';
import { hashSecret, isWellFormedSecret, newSecret } from './opaque.js';
import { classifyRefreshToken, rotateRefreshSlots } from './refresh-rotation.js';
import { audit } from '../../observability/audit.js';

/** The token endpoint's successful answer (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

/** What issuing tokens for a grant needs; built once by the grant service. */
export interface TokenIssuer {
  grants: GrantStore;
  refreshTokens: RefreshTokenStore;
  accessTokens: AccessTokenCodec;
  refreshTtlMs: number;
  now: () => number;
  revokeGrant(grantId: string, reason: string): Promise<void>;
}

/** Rounds of re-reading a grant after a lost conditional write that did not change its refresh token. */
const MAX_ATTEMPTS = 5;

/**
 * First tokens of a grant, after its code was consumed: a refresh token (its slot written to the
 * grant with `IfMatch`, retried if an unrelated write such as an Entra renewal came first) and an
 * access token carrying the data key.
 */
export async function mintTokens(issuer: TokenIssuer, grantId: string, dataKey: Uint8Array, scopes: string[]): Promise<TokenResponse> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const grant = await liveGrant(issuer, grantId);
    const { token, slot } = await newRefreshToken(issuer, grant.value, dataKey);
    try {
      const updated = await issuer.grants.replace(extended(issuer, grant.value, { current: slot }), grant.etag, issuer.now());
      return respond(issuer, updated.value, dataKey, token, scopes);
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError)) throw err;
    }
  }
  throw new InvalidGrantError('The session is being updated concurrently; sign in again.');
}

/** The refresh_token grant; see `GrantService.refresh` for the contract. */
export async function refreshGrant(
  issuer: TokenIssuer,
  refreshToken: string,
  params: { clientId: string; scope?: string },
): Promise<TokenResponse> {
  if (!isWellFormedSecret(refreshToken)) throw new InvalidGrantError('The refresh token is malformed.');
  const tokenHash = hashSecret(refreshToken);
  const index = await issuer.refreshTokens.find(tokenHash, issuer.now());
  if (!index) throw new InvalidGrantError('The refresh token is unknown or has expired; sign in again.');
  if (index.clientId !== params.clientId) throw new InvalidGrantError('The refresh token was issued to another client.');

  let grant = await liveGrant(issuer, index.grantId);
  const scopes = narrowedScopes(grant.value.scopes, params.scope);
  const liveTokenAtStart = grant.value.refresh?.current.hash;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const presented = classifyRefreshToken(grant.value, tokenHash);
    if (presented.kind === 'superseded') {
      audit('refresh.reuse_detected', { userId: grant.value.user.oid, clientId: grant.value.clientId, grantId: grant.value.id });
      await issuer.revokeGrant(grant.value.id, 'refresh token reuse');
      throw new InvalidGrantError('The refresh token was already used and replaced; the session has been revoked for safety. Sign in again.');
    }
    const dataKey = await unwrapDataKey(presented.slot.wrappedKey, refreshToken, 'refresh-token');
    const { token, slot } = await newRefreshToken(issuer, grant.value, dataKey);
    const refresh = rotateRefreshSlots(grant.value, presented, slot);
    try {
      const updated = await issuer.grants.replace(extended(issuer, grant.value, refresh), grant.etag, issuer.now());
      return respond(issuer, updated.value, dataKey, token, scopes);
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError)) throw err;
    }
    grant = await liveGrant(issuer, index.grantId);
    // Another refresh won the race: it minted the one chain allowed; retrying would fork a second.
    if (grant.value.refresh?.current.hash !== liveTokenAtStart) {
      throw new InvalidGrantError('The refresh token was used by a concurrent request; use the refresh token that request returned.');
    }
  }
  throw new InvalidGrantError('The session is being updated concurrently; retry.');
}

async function liveGrant(issuer: TokenIssuer, grantId: string): Promise<Versioned<GrantRecord>> {
  const grant = await issuer.grants.get(grantId, issuer.now());
  if (!grant) throw new InvalidGrantError('The session has expired; sign in again.');
  if (grant.value.revoked) throw new InvalidGrantError('The session was revoked; sign in again.');
  return grant;
}

/**
 * A new refresh token with its index record. The index is written before the grant names the token,
 * so a live token always has its record; a record whose token never went live is harmless (nobody
 * holds that token).
 */
async function newRefreshToken(issuer: TokenIssuer, grant: GrantRecord, dataKey: Uint8Array): Promise<{ token: string; slot: RefreshSlot }> {
  const token = newSecret();
  const at = issuer.now();
  const slot: RefreshSlot = { hash: hashSecret(token), wrappedKey: await wrapDataKey(dataKey, token, 'refresh-token'), issuedAt: at };
  await issuer.refreshTokens.create(
    { id: slot.hash, grantId: grant.id, clientId: grant.clientId, issuedAt: at, expiresAt: at + issuer.refreshTtlMs },
    at,
  );
  return { token, slot };
}

function extended(issuer: TokenIssuer, grant: GrantRecord, refresh: NonNullable<GrantRecord['refresh']>): GrantRecord {
  const at = issuer.now();
  return { ...grant, refresh, lastUsedAt: at, expiresAt: at + issuer.refreshTtlMs };
}

async function respond(issuer: TokenIssuer, grant: GrantRecord, dataKey: Uint8Array, refreshToken: string, scopes: string[]): Promise<TokenResponse> {
  const { token } = await issuer.accessTokens.issue(
    { sub: grant.user.oid, tid: grant.user.tid, clientId: grant.clientId, grantId: grant.id, scopes, grantKey: dataKey },
    issuer.now(),
  );
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: issuer.accessTokens.ttlSeconds,
    refresh_token: refreshToken,
    scope: scopes.join(' '),
  };
}

/** RFC 6749 §6: a refresh may ask for the same or fewer scopes, never more. */
function narrowedScopes(granted: string[], requested: string | undefined): string[] {
  if (requested === undefined || requested.trim() === '') return granted;
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  const extra = asked.filter((s) => !granted.includes(s));
  if (extra.length > 0) throw new InvalidScopeError(`The refresh may not add scopes that were not granted: ${extra.join(' ')}.`);
  return asked;
}
