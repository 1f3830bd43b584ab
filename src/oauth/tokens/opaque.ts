import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Opaque bearer secrets: refresh tokens, authorization codes, the `state` sent to Entra and the
 * browser-binding cookie value. 256 random bits, base64url (43 characters). The server keeps only
 * `hashSecret(value)`, so a database export reveals no usable secret.
 */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Cheap shape check before any lookup, so garbage never reaches the store. */
export function isWellFormedSecret(value: unknown): value is string {
  return typeof value === 'string' && SECRET_SHAPE.test(value);
}

/** SHA-256, base64url: the id under which a secret's record is stored. */
export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** Compares two secrets (or hashes) in constant time for equal lengths; different lengths are unequal. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
