import { CompactEncrypt, compactDecrypt } from 'jose';

/**
 * Authenticated encryption of small secrets with a 256-bit key: a compact JWE with `alg: dir` and
 * `enc: A256GCM` (jose picks a fresh random 96-bit IV for every call, so one key may seal many
 * values). `purpose` goes into the protected header, which GCM authenticates: a value sealed for one
 * purpose cannot be opened as another, even under the same key.
 */
export async function seal(key: Uint8Array, plaintext: Uint8Array, purpose: string): Promise<string> {
  assertKey(key);
  return new CompactEncrypt(plaintext).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: purpose }).encrypt(key);
}

/** Opens what `seal` made with the same key and purpose; throws `DecryptionError` otherwise. */
export async function open(key: Uint8Array, sealed: string, purpose: string): Promise<Uint8Array> {
  assertKey(key);
  let result: Awaited<ReturnType<typeof compactDecrypt>>;
  try {
    result = await compactDecrypt(sealed, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
  } catch {
    // jose's messages are precise but say nothing a caller can act on; the value itself stays out of it.
    throw new DecryptionError(`cannot decrypt the ${purpose}: wrong key or altered data`);
  }
  if (result.protectedHeader.typ !== purpose) {
    throw new DecryptionError(`sealed value is not a ${purpose}`);
  }
  return result.plaintext;
}

export async function sealJson(key: Uint8Array, value: unknown, purpose: string): Promise<string> {
  return seal(key, new TextEncoder().encode(JSON.stringify(value)), purpose);
}

export async function openJson<T>(key: Uint8Array, sealed: string, purpose: string): Promise<T> {
  const bytes = await open(key, sealed, purpose);
  return JSON.parse(new TextDecoder().decode(bytes)) as T;
}

/** A sealed value could not be opened. The message never contains key or data. */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

function assertKey(key: Uint8Array): void {
  if (key.length !== 32) throw new TypeError('an A256GCM key must be exactly 32 bytes');
}
