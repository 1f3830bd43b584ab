import { randomUUID } from 'node:crypto';
import { EncryptJWT, errors as joseErrors, jwtDecrypt, type JWTPayload } from 'jose';
import { OpenedCache } from '../../crypto/opened-cache.js';
import { InvalidTokenError } from '../errors.js';

export interface RingKey {
  kid: string;
  key: Uint8Array;
}

/** The claims of a session access token (design §4), as the resource server reads them. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  /** Entra `oid` of the user. */
  sub: string;
  tid: string;
  client_id: string;
  /** The grant (session) id. */
  sid: string;
  /** Space-separated granted scopes. */
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface AccessTokenInput {
  sub: string;
  tid: string;
  clientId: string;
  grantId: string;
  scopes: readonly string[];
  /** The grant's data key; it travels only inside the encrypted token (see `GRANT_KEY_CLAIM`). */
  grantKey: Uint8Array;
}

export interface VerifiedAccessToken {
  claims: AccessTokenClaims;
  grantKey: Uint8Array;
}

/**
 * Issues and verifies the gateway's session access tokens: compact JWE, `alg: dir`, `enc: A256GCM`,
 * `typ: at+jwt`, `kid` naming the key-ring key. Stateless: verifying needs no store.
 *
 * - `issue` always encrypts with the first (active) key of the ring.
 * - `verify` accepts a token from any key still in the ring, so a rotation signs nobody out; a token
 *   whose `kid` is not in the ring (a retired key) is refused. It checks `typ`, `iss`, `aud`, `exp`
 *   (with `CLOCK_TOLERANCE_SECONDS`) and the presence and type of every claim, and throws
 *   `InvalidTokenError` whose description never contains the token. It does not check revocation:
 *   that is the grant's business (`GrantService.authenticateAccessToken`). A token it verified once is
 *   remembered (`OpenedCache`, by digest, until its `exp` plus the tolerance) and not decrypted again.
 */
export interface AccessTokenCodec {
  readonly ttlSeconds: number;
  issue(input: AccessTokenInput, nowMs: number): Promise<{ token: string; claims: AccessTokenClaims }>;
  /** `allowExpired` is for revocation only (RFC 7009 lets a client revoke an expired token). */
  verify(token: string, nowMs: number, options?: { allowExpired?: boolean }): Promise<VerifiedAccessToken>;
}

/**
 * Private claim carrying the grant's data key, base64url. Why in the token: it lets the holder of an
 * access token decrypt the grant's Entra tokens without the store keeping that key in any form the
 * store alone can open; the JWE keeps it confidential in transit and at the client.
 */
export const GRANT_KEY_CLAIM = 'gk';
export const ACCESS_TOKEN_TYP = 'at+jwt';
export const CLOCK_TOLERANCE_SECONDS = 30;

export interface AccessTokenCodecOptions {
  keyRing: readonly RingKey[];
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** How many verified tokens to remember (see `verify`); default 10 000. */
  verifiedCacheEntries?: number;
}

export function createAccessTokenCodec(options: AccessTokenCodecOptions): AccessTokenCodec {
  const { keyRing, issuer, audience, ttlSeconds } = options;
  const active = keyRing[0];
  if (!active) throw new TypeError('the token key ring needs at least one key');
  const byKid = new Map(keyRing.map((k) => [k.kid, k.key]));
  // A token already verified here is not decrypted again while it is valid: every MCP request of a
  // session carries the same token. Revocation stays the grant's check, made on every request.
  const verified = new OpenedCache<VerifiedAccessToken>(options.verifiedCacheEntries);

  return {
    ttlSeconds,
    async issue(input, nowMs) {
      const iat = Math.floor(nowMs / 1000);
      const claims: AccessTokenClaims = {
        iss: issuer,
        aud: audience,
        sub: input.sub,
        tid: input.tid,
        client_id: input.clientId,
        sid: input.grantId,
        scope: input.scopes.join(' '),
        iat,
        exp: iat + ttlSeconds,
        jti: randomUUID(),
      };
      const payload = { ...claims, [GRANT_KEY_CLAIM]: Buffer.from(input.grantKey).toString('base64url') };
      const token = await new EncryptJWT(payload)
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: active.kid, typ: ACCESS_TOKEN_TYP })
        .encrypt(active.key);
      return { token, claims };
    },

    async verify(token, nowMs, verifyOptions = {}) {
      const cacheKey = verifyOptions.allowExpired ? undefined : OpenedCache.key(token);
      const known = cacheKey === undefined ? undefined : verified.get(cacheKey, nowMs);
      if (known) return known;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtDecrypt(token, (header) => keyFor(byKid, header.kid), {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          typ: ACCESS_TOKEN_TYP,
          issuer,
          audience,
          currentDate: new Date(nowMs),
          clockTolerance: verifyOptions.allowExpired ? Number.MAX_SAFE_INTEGER : CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['sub', 'tid', 'client_id', 'sid', 'scope', 'iat', 'exp', 'jti', GRANT_KEY_CLAIM],
        }));
      } catch (err) {
        throw new InvalidTokenError(describeFailure(err));
      }
      const result = parseClaims(payload);
      // Valid until jose's own `exp` check would refuse it.
      if (cacheKey !== undefined) verified.set(cacheKey, result, (result.claims.exp + CLOCK_TOLERANCE_SECONDS) * 1000);
      return result;
    },
  };
}

class UnknownKeyError extends Error {}

function keyFor(byKid: Map<string, Uint8Array>, kid: string | undefined): Uint8Array {
  const key = kid === undefined ? undefined : byKid.get(kid);
  if (!key) throw new UnknownKeyError();
  return key;
}

function describeFailure(err: unknown): string {
  if (err instanceof UnknownKeyError) {
    return 'The access token was encrypted with a key this server no longer holds; sign in again.';
  }
  if (err instanceof joseErrors.JWTExpired) return 'The access token has expired; refresh it or sign in again.';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    return `The access token's "${err.claim}" claim is not valid for this server (${err.reason}).`;
  }
  return 'The access token is malformed, altered or not issued by this server.';
}

function parseClaims(payload: JWTPayload): VerifiedAccessToken {
  const strings = ['iss', 'aud', 'sub', 'tid', 'client_id', 'sid', 'scope', 'jti', GRANT_KEY_CLAIM] as const;
  for (const name of strings) {
    if (typeof payload[name] !== 'string') {
      throw new InvalidTokenError(`The access token's "${name}" claim must be a string.`);
    }
  }
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number') {
    throw new InvalidTokenError('The access token\'s "iat" and "exp" claims must be numbers.');
  }
  const grantKey = new Uint8Array(Buffer.from(payload[GRANT_KEY_CLAIM] as string, 'base64url'));
  if (grantKey.length !== 32) throw new InvalidTokenError('The access token carries a malformed grant key.');
  const text = (name: (typeof strings)[number]) => payload[name] as string;
  const claims: AccessTokenClaims = {
    iss: text('iss'),
    aud: text('aud'),
    sub: text('sub'),
    tid: text('tid'),
    client_id: text('client_id'),
    sid: text('sid'),
    scope: text('scope'),
    iat: payload.iat,
    exp: payload.exp,
    jti: text('jti'),
  };
  return { claims, grantKey };
}
