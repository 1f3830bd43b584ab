import type { GrantRecord } from '../../store/grants.js';
import type { CodeStore } from '../../store/codes.js';
import { unwrapDataKey, wrapDataKey } from '../../crypto/key-wrap.js';
import { InvalidGrantError, InvalidRequestError } from '../errors.js';
import { isWellFormedCodeChallenge, verifyPkce } from '../pkce.js';
import { hashSecret, isWellFormedSecret, newSecret } from './opaque.js';
import { mintTokens, type TokenIssuer, type TokenResponse } from './token-issuer.js';

// The gateway's authorization codes: random, stored only as a hash, single-use, five minutes, bound to
// the client, its redirect URI, its PKCE challenge and the resource. Each carries the grant's data key
// wrapped under the code itself, so only the code's holder can mint the grant's first tokens.

export const CODE_TTL_MS = 5 * 60 * 1000;

export interface CodeBinding {
  redirectUri: string;
  /** The client's S256 `code_challenge` from its authorization request. */
  codeChallenge: string;
}

export interface RedeemCodeParams {
  clientId: string;
  redirectUri: string;
  codeVerifier: string;
  /** The token request's `resource`; when absent the code's resource applies. */
  resource?: string;
}

type CodeGrant = Pick<GrantRecord, 'id' | 'clientId' | 'resource' | 'scopes'>;

/** A new code for `grant`, its data key wrapped under the code. */
export async function issueCode(codes: CodeStore, grant: CodeGrant, dataKey: Uint8Array, binding: CodeBinding, nowMs: number): Promise<string> {
  if (!isWellFormedCodeChallenge(binding.codeChallenge)) {
    throw new InvalidRequestError('code_challenge must be an S256 challenge (43 base64url characters).');
  }
  const code = newSecret();
  await codes.create(
    {
      id: hashSecret(code),
      grantId: grant.id,
      clientId: grant.clientId,
      redirectUri: binding.redirectUri,
      codeChallenge: binding.codeChallenge,
      resource: grant.resource,
      scopes: grant.scopes,
      wrappedKey: await wrapDataKey(dataKey, code, 'authorization-code'),
      createdAt: nowMs,
      expiresAt: nowMs + CODE_TTL_MS,
      consumedAt: null,
    },
    nowMs,
  );
  return code;
}

/**
 * The grant's first tokens for a code: checked against its client (first, so another client presenting a
 * stolen code changes nothing), its redirect URI, resource and PKCE verifier, then consumed atomically; a
 * second redemption revokes the grant and everything issued for it.
 */
export async function redeemCode(issuer: TokenIssuer & { codes: CodeStore }, code: string, params: RedeemCodeParams): Promise<TokenResponse> {
  if (!isWellFormedSecret(code)) throw new InvalidGrantError('The authorization code is malformed.');
  const lookup = await issuer.codes.find(hashSecret(code), issuer.now());
  if (lookup.status === 'unknown') throw new InvalidGrantError('The authorization code is unknown or has expired.');
  // Only the code's own client may trigger the replay revocation: another client presenting a
  // stolen, already-used code must not be able to end the victim's session (RFC 9700 §4.5).
  if (lookup.record.clientId !== params.clientId) {
    throw new InvalidGrantError('The authorization code was issued to another client.');
  }
  if (lookup.status === 'consumed') return replayed(issuer, lookup.record.grantId);
  if (lookup.status === 'expired') throw new InvalidGrantError('The authorization code has expired (codes live 5 minutes); sign in again.');
  const { record, etag } = lookup;
  if (record.redirectUri !== params.redirectUri) {
    throw new InvalidGrantError('redirect_uri does not match the one of the authorization request.');
  }
  if (params.resource !== undefined && params.resource !== record.resource) {
    throw new InvalidGrantError('resource does not match the one of the authorization request.');
  }
  if (!(await verifyPkce(params.codeVerifier, record.codeChallenge))) {
    throw new InvalidGrantError('code_verifier does not match the code_challenge of the authorization request.');
  }
  if (!(await issuer.codes.markConsumed(record, etag, issuer.now()))) return replayed(issuer, record.grantId);
  if (!record.wrappedKey) throw new InvalidGrantError('The authorization code was already used.');
  const dataKey = await unwrapDataKey(record.wrappedKey, code, 'authorization-code');
  return mintTokens(issuer, record.grantId, dataKey, record.scopes);
}

async function replayed(issuer: TokenIssuer, grantId: string): Promise<never> {
  await issuer.revokeGrant(grantId, 'authorization code replay');
  throw new InvalidGrantError('The authorization code was already used; every token issued for it has been revoked.');
}
