import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import { sameSecret } from './tokens/opaque.js';

/** RFC 7636 §4.1: 43–128 characters from the unreserved set. */
const VERIFIER_SHAPE = /^[A-Za-z0-9._~-]{43,128}$/;
/** An S256 challenge is a base64url SHA-256: exactly 43 characters. */
const S256_CHALLENGE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The only method accepted: `plain` would let anyone who sees the authorization request redeem the code. */
export const PKCE_METHOD = 'S256';

export function isWellFormedCodeChallenge(challenge: unknown): challenge is string {
  return typeof challenge === 'string' && S256_CHALLENGE_SHAPE.test(challenge);
}

/**
 * True when `codeVerifier` is well formed and its S256 challenge equals `codeChallenge` (compared in
 * constant time). Never throws for bad input: a malformed verifier simply does not match.
 */
export async function verifyPkce(codeVerifier: unknown, codeChallenge: string): Promise<boolean> {
  if (typeof codeVerifier !== 'string' || !VERIFIER_SHAPE.test(codeVerifier)) return false;
  return sameSecret(await calculatePKCECodeChallenge(codeVerifier), codeChallenge);
}

/** The gateway's own PKCE pair for its authorization request to Entra (verifier kept server-side). */
export async function createPkcePair(): Promise<{ codeVerifier: string; codeChallenge: string; method: 'S256' }> {
  const codeVerifier = generateRandomCodeVerifier();
  return { codeVerifier, codeChallenge: await calculatePKCECodeChallenge(codeVerifier), method: PKCE_METHOD };
}
