import { hkdf, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { open, seal } from './aead.js';

const hkdfAsync = promisify(hkdf);

/**
 * What a bearer secret unlocks. Each purpose derives a different wrapping key from the same secret,
 * so a key wrapped for a refresh token can never be unwrapped by treating that token as a code.
 */
export type WrapPurpose = 'refresh-token' | 'refresh-successor' | 'authorization-code' | 'authorization-state';

/** A fresh random 256-bit data key (one per grant). */
export function createDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

/**
 * Seals `dataKey` under a key derived from `secret` (a refresh token, code or state the client holds).
 * `sealUnderSecret` does the same for any small value (the Entra PKCE verifier under `state`).
 *
 * Why HKDF and not the stored hash: the store keeps SHA-256(secret) as the record's id, and a wrapping
 * key derived with HKDF-SHA256 under a purpose label is unrelated to that hash, so a database export
 * holds the lock (wrapped key) and the label (hash) but never the key. Only whoever presents the
 * secret can unwrap; the secrets are 256-bit random values, so no slow KDF is needed.
 */
export async function wrapDataKey(dataKey: Uint8Array, secret: string, purpose: WrapPurpose): Promise<string> {
  return sealUnderSecret(dataKey, secret, purpose);
}

/** Reverses `wrapDataKey`; throws `DecryptionError` when `secret` is not the one it was wrapped with. */
export async function unwrapDataKey(wrapped: string, secret: string, purpose: WrapPurpose): Promise<Uint8Array> {
  const key = await openUnderSecret(wrapped, secret, purpose);
  if (key.length !== 32) throw new TypeError('an unwrapped data key must be 32 bytes');
  return key;
}

export async function sealUnderSecret(value: Uint8Array, secret: string, purpose: WrapPurpose): Promise<string> {
  return seal(await wrappingKey(secret, purpose), value, `sealed+${purpose}`);
}

export async function openUnderSecret(sealed: string, secret: string, purpose: WrapPurpose): Promise<Uint8Array> {
  return open(await wrappingKey(secret, purpose), sealed, `sealed+${purpose}`);
}

async function wrappingKey(secret: string, purpose: WrapPurpose): Promise<Uint8Array> {
  const derived = await hkdfAsync('sha256', secret, '', `entra-mcp-gateway/${purpose}/key-wrap/v1`, 32);
  return new Uint8Array(derived);
}
