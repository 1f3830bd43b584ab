import { EncryptJWT, jwtDecrypt, type JWTPayload } from 'jose';
import { OpenedCache } from '../crypto/opened-cache.js';

export interface RingKey {
  kid: string;
  key: Uint8Array;
}

/**
 * Short JWEs (`dir` + `A256GCM`) under the gateway's key ring, for values that leave the gateway only
 * towards itself: the tool session header and the SSE message endpoint. `typ` names the purpose and
 * is checked on opening, so one kind can never be replayed as another or as a session access token
 * (`at+jwt`). Encrypted with the first (active) key; any key still in the ring opens, so rotating keys
 * does not break an open SSE session.
 */
export async function sealClaims(ring: readonly RingKey[], typ: string, claims: JWTPayload, expiresAtSeconds: number): Promise<string> {
  const active = ring[0];
  if (!active) throw new TypeError('the key ring needs at least one key');
  return new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: active.kid, typ })
    .setIssuedAt()
    .setExpirationTime(expiresAtSeconds)
    .encrypt(active.key);
}

/**
 * Values already opened, per key ring (the app has one; a test that builds another ring gets its own
 * cache): a session's tool calls carry the same header and its SSE messages the same endpoint state, so
 * each is decrypted once and then served by digest until its `exp` (`OpenedCache`).
 */
const openedByRing = new WeakMap<readonly RingKey[], OpenedCache<JWTPayload>>();

/** Opens a value made by `sealClaims` with the same `typ`; throws (without the value in the message) otherwise. */
export async function openClaims(ring: readonly RingKey[], typ: string, sealed: string, nowMs: number): Promise<JWTPayload> {
  let opened = openedByRing.get(ring);
  if (!opened) {
    opened = new OpenedCache<JWTPayload>();
    openedByRing.set(ring, opened);
  }
  const cacheKey = OpenedCache.key(typ, sealed);
  const known = opened.get(cacheKey, nowMs);
  if (known) return { ...known };
  const payload = await decryptClaims(ring, typ, sealed, nowMs);
  // jose refuses the value from its `exp` on (no clock tolerance here): the entry ends then too.
  opened.set(cacheKey, { ...payload }, (payload.exp as number) * 1000);
  return payload;
}

async function decryptClaims(ring: readonly RingKey[], typ: string, sealed: string, nowMs: number): Promise<JWTPayload> {
  const byKid = new Map(ring.map((k) => [k.kid, k.key]));
  try {
    const { payload } = await jwtDecrypt(
      sealed,
      (header) => {
        const key = header.kid === undefined ? undefined : byKid.get(header.kid);
        if (!key) throw new Error('unknown key');
        return key;
      },
      {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        typ,
        currentDate: new Date(nowMs),
        requiredClaims: ['exp'],
      },
    );
    return payload;
  } catch {
    throw new SealedValueError(`the ${typ} value is expired, altered or not from this gateway`);
  }
}

export class SealedValueError extends Error {
  override readonly name = 'SealedValueError';
}
