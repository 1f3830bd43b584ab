import { openUnderSecret, sealUnderSecret, unwrapDataKey, wrapDataKey } from '../../crypto/key-wrap.js';
import { ConcurrentUpdateError, type GrantRecord, type GrantStore, type RefreshSlot, type RetiredRefreshSlot, type Versioned } from '../../store/grants.js';
import type { RefreshTokenStore } from '../../store/refresh-tokens.js';
import { InvalidGrantError, InvalidScopeError } from '../errors.js';
import type { AccessTokenCodec } from './access-token.js';
import { hashSecret, isWellFormedSecret, newSecret } from './opaque.js';
import { classifyRefreshToken } from './refresh-rotation.js';
import { audit } from '../../observability/audit.js';
import { countRefresh } from '../../observability/metrics.js';

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
  /** How long a retired refresh token is still answered with its successor (REFRESH_TOKEN_GRACE_SECONDS). */
  refreshGraceMs: number;
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
export async function refreshGrant(issuer: TokenIssuer, refreshToken: string, params: { clientId: string; scope?: string }): Promise<TokenResponse> {
  if (!isWellFormedSecret(refreshToken)) throw new InvalidGrantError('The refresh token is malformed.');
  const tokenHash = hashSecret(refreshToken);
  const index = await issuer.refreshTokens.find(tokenHash, issuer.now());
  if (!index) throw new InvalidGrantError('The refresh token is unknown or has expired; sign in again.');
  if (index.clientId !== params.clientId) throw new InvalidGrantError('The refresh token was issued to another client.');

  let grant = await liveGrant(issuer, index.grantId);
  const scopes = narrowedScopes(grant.value.scopes, params.scope);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const presented = classifyRefreshToken(grant.value, tokenHash, issuer.now(), issuer.refreshGraceMs);
    if (presented.kind === 'reuse') {
      countRefresh('reuse_detected');
      audit('refresh.reuse_detected', { userId: grant.value.user.oid, clientId: grant.value.clientId, grantId: grant.value.id });
      await issuer.revokeGrant(grant.value.id, 'refresh token reuse');
      throw new InvalidGrantError('The refresh token was already used and replaced; the session has been revoked for safety. Sign in again.');
    }
    // A retry (or the loser of a race with the same token) gets the pair the first use minted.
    if (presented.kind === 'retry') {
      countRefresh('grace_retry');
      return openSuccessor(issuer, presented.slot.successor, refreshToken);
    }

    const dataKey = await unwrapDataKey(presented.slot.wrappedKey, refreshToken, 'refresh-token');
    const { token, slot } = await newRefreshToken(issuer, grant.value, dataKey);
    const response = await respond(issuer, grant.value, dataKey, token, scopes);
    const previous: RetiredRefreshSlot = {
      hash: presented.slot.hash,
      retiredAt: issuer.now(),
      successor: await sealSuccessor(issuer, response, refreshToken),
    };
    try {
      await issuer.grants.replace(extended(issuer, grant.value, { current: slot, previous }), grant.etag, issuer.now());
      countRefresh('rotated');
      return response;
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError)) throw err;
    }
    // Lost the conditional write: either a concurrent refresh with this token won (the next round
    // finds it as `previous` and answers its successor) or an unrelated write came first (retry).
    countRefresh('conflict_retry');
    grant = await liveGrant(issuer, index.grantId);
  }
  throw new InvalidGrantError('The session is being updated concurrently; retry.');
}

/** What a retired refresh token's successor holds: the response, with an absolute access-token expiry. */
interface SealedSuccessor extends Omit<TokenResponse, 'expires_in' | 'token_type'> {
  accessExpiresAt: number;
}

async function sealSuccessor(issuer: TokenIssuer, response: TokenResponse, retiredToken: string): Promise<string> {
  const { access_token, refresh_token, scope, expires_in } = response;
  const successor: SealedSuccessor = { access_token, refresh_token, scope, accessExpiresAt: issuer.now() + expires_in * 1000 };
  return sealUnderSecret(Buffer.from(JSON.stringify(successor), 'utf8'), retiredToken, 'refresh-successor');
}

async function openSuccessor(issuer: TokenIssuer, sealed: string, retiredToken: string): Promise<TokenResponse> {
  const successor = JSON.parse(Buffer.from(await openUnderSecret(sealed, retiredToken, 'refresh-successor')).toString('utf8')) as SealedSuccessor;
  const { access_token, refresh_token, scope, accessExpiresAt } = successor;
  const expiresIn = Math.max(0, Math.floor((accessExpiresAt - issuer.now()) / 1000));
  return { access_token, token_type: 'Bearer', expires_in: expiresIn, refresh_token, scope };
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
  await issuer.refreshTokens.create({ id: slot.hash, grantId: grant.id, clientId: grant.clientId, issuedAt: at, expiresAt: at + issuer.refreshTtlMs }, at);
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
