import { EncryptJWT, jwtDecrypt, type JWTPayload } from 'jose';

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
export async function sealClaims(
  ring: readonly RingKey[],
  typ: string,
  claims: JWTPayload,
  expiresAtSeconds: number,
): Promise<string> {
  const active = ring[0];
  if (!active) throw new TypeError('the key ring needs at least one key');
  return new EncryptJWT(claims)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: active.kid, typ })
    .setIssuedAt()
    .setExpirationTime(expiresAtSeconds)
    .encrypt(active.key);
}

/** Opens a value made by `sealClaims` with the same `typ`; throws (without the value in the message) otherwise. */
export async function openClaims(ring: readonly RingKey[], typ: string, sealed: string, nowMs: number): Promise<JWTPayload> {
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
