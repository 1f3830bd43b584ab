import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TokenCredential } from '@azure/identity';
import type { Config } from '../config/index.js';
import { lazyManagedIdentity } from './managed-identity.js';

/** The audience of federated-credential assertions (public cloud; national clouds use their own). */
export const TOKEN_EXCHANGE_SCOPE = 'api://AzureADTokenExchange/.default';

/** Renew the assertion this long before it expires, so MSAL never sends one that expires in flight. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/** What `ConfidentialClientApplication`'s `auth` takes for the client's credential (one of). */
export type ClientCredential =
  { clientSecret: string } | { clientCertificate: { thumbprintSha256: string; privateKey: string; x5c: string } } | { clientAssertion: () => Promise<string> };

export interface CredentialDeps {
  /**
   * The managed identity's credential. Default: `ManagedIdentityCredential` for
   * `config.entra.managedIdentityClientId`, created on first use (it reads IDENTITY_ENDPOINT and
   * IDENTITY_HEADER from the environment when it is constructed).
   */
  managedIdentity?: TokenCredential;
  now?: () => number;
}

/** The gateway's credential towards Entra, chosen by ENTRA_CREDENTIAL. */
export function clientCredential(config: Config, deps: CredentialDeps = {}): ClientCredential {
  const entra = config.entra;
  switch (entra.credential) {
    case 'secret':
      return { clientSecret: entra.clientSecret! };
    case 'certificate':
      return { clientCertificate: loadCertificate(entra.certificatePath!) };
    case 'managed_identity': {
      const credential = deps.managedIdentity ?? lazyManagedIdentity(entra.managedIdentityClientId);
      return { clientAssertion: managedIdentityAssertion(credential, deps.now) };
    }
  }
}

/**
 * Secretless: the client assertion is the managed identity's token for api://AzureADTokenExchange, which
 * the app registration trusts through a federated credential. It is cached and renewed shortly before it
 * expires (never fetched once at start-up: a long-running instance would outlive it), and concurrent
 * callers share one request.
 */
export function managedIdentityAssertion(credential: TokenCredential, now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  return async () => {
    if (cached && now() < cached.renewAt) return cached.token;
    inFlight ??= (async () => {
      try {
        const token = await credential.getToken(TOKEN_EXCHANGE_SCOPE);
        if (!token) throw new Error('The managed identity returned no token for api://AzureADTokenExchange.');
        const renewAt = Math.min(token.expiresOnTimestamp - RENEW_BEFORE_MS, token.refreshAfterTimestamp ?? Infinity);
        cached = { token: token.token, renewAt };
        return token.token;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };
}

/**
 * Reads a PEM file holding the private key and the certificate uploaded to the app registration. MSAL
 * needs the certificate's SHA-256 thumbprint (hex) and the key as PKCS#8 PEM; `x5c` lets Entra check
 * subject name / issuer when the app is configured for it.
 */
export function loadCertificate(path: string): { thumbprintSha256: string; privateKey: string; x5c: string } {
  const pem = readFileSync(path, 'utf8');
  const cert = new X509Certificate(pem);
  const key = createPrivateKey(pem);
  if (!cert.checkPrivateKey(key)) {
    throw new Error(`ENTRA_CERTIFICATE_PATH: the private key in ${path} does not belong to its certificate.`);
  }
  return {
    thumbprintSha256: createHash('sha256').update(cert.raw).digest('hex'),
    privateKey: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    x5c: cert.raw.toString('base64'),
  };
}
