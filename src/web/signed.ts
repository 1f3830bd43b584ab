import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/**
 * Small signed values the gateway hands to the browser and reads back (the remembered-consent cookie,
 * the consent form's request ticket): HS256 JWTs keyed with COOKIE_SECRET. Each kind has its own
 * `aud`, so a value minted for one purpose is refused for another; `iss` is the gateway, `exp` bounds it.
 */
export type SignedPurpose = 'consent' | 'consent-request' | 'account';

export interface SignedValueCodec {
  sign(purpose: SignedPurpose, claims: JWTPayload, ttlSeconds: number, nowMs: number): Promise<string>;
  /** The claims, or undefined when the value is malformed, forged, expired or for another purpose. */
  verify(purpose: SignedPurpose, value: string | undefined, nowMs: number): Promise<JWTPayload | undefined>;
}

export function createSignedValueCodec(secret: Uint8Array, issuer: string): SignedValueCodec {
  return {
    async sign(purpose, claims, ttlSeconds, nowMs) {
      const now = Math.floor(nowMs / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(purpose)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(secret);
    },
    async verify(purpose, value, nowMs) {
      if (!value) return undefined;
      try {
        const { payload } = await jwtVerify(value, secret, {
          algorithms: ['HS256'],
          issuer,
          audience: purpose,
          currentDate: new Date(nowMs),
        });
        return payload;
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return undefined;
        throw err;
      }
    },
  };
}
