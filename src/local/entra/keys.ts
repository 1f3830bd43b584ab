import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The emulator's RS256 signing keys, generated at start. The first key signs; rotated-out keys stay in
 * the JWKS (as Entra keeps old keys published) so tokens already issued still validate, and a
 * validator sees a new `kid` it must refetch the JWKS for.
 */
export class KeyRing {
  private keys: SigningKey[] = [];

  /** A new ring, or the one `saved` by an earlier run (`npm start` keeps it, so its tokens still verify). */
  static async create(saved?: readonly JWK[]): Promise<KeyRing> {
    const ring = new KeyRing();
    if (saved && saved.length > 0) {
      ring.keys = await Promise.all(
        saved.map(async ({ d, p, q, dp, dq, qi, ...publicJwk }) => ({
          kid: publicJwk.kid!,
          privateKey: (await importJWK({ ...publicJwk, d, p, q, dp, dq, qi }, 'RS256', { extractable: true })) as CryptoKey,
          publicJwk,
        })),
      );
    } else await ring.rotate();
    return ring;
  }

  /** The keys, private parts included, for `create` to restore (local-only keys, never a real credential). */
  async save(): Promise<JWK[]> {
    return Promise.all(this.keys.map(async (k) => ({ ...(await exportJWK(k.privateKey)), ...k.publicJwk })));
  }

  /** Adds a new active key; keeps at most `keep` old keys published. */
  async rotate(keep = 2): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    this.keys = [{ kid, privateKey, publicJwk: { ...jwk, kid, use: 'sig' } }, ...this.keys].slice(0, keep + 1);
  }

  get activeKid(): string {
    return this.keys[0]!.kid;
  }

  /** Entra's JWKS shape (`kty`, `use`, `kid`, `x5t` (= `kid`), `n`, `e`, and `issuer` on the v2 keys endpoint). */
  jwks(issuer?: string): { keys: JWK[] } {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk, x5t: k.kid, ...(issuer ? { issuer } : {}) })) };
  }

  publicJwk(kid: string): JWK | undefined {
    return this.keys.find((k) => k.kid === kid)?.publicJwk;
  }

  /** `x5t`: v1 access tokens carry it in the header, equal to `kid` (Entra's key id is the certificate thumbprint). */
  async sign(payload: JWTPayload, options: { x5t?: boolean } = {}): Promise<string> {
    const key = this.keys[0]!;
    return new SignJWT(payload).setProtectedHeader({ typ: 'JWT', alg: 'RS256', ...(options.x5t ? { x5t: key.kid } : {}), kid: key.kid }).sign(key.privateKey);
  }
}
