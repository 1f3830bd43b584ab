// A throwaway client certificate for the local stack's ENTRA_CREDENTIAL=certificate runs. Node makes the
// key; node-forge builds and signs the X.509 certificate (Node can sign, but not build one). No openssl
// binary, the same on every OS.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

export interface LocalCertificate {
  /** The PEM file (private key, then certificate) for ENTRA_CERTIFICATE_PATH; readable by its owner only. */
  path: string;
  /** The public certificate, as uploaded to the app registration. */
  certificatePem: string;
  /** Deletes the file and its directory. */
  remove(): void;
}

/** Generates an RSA key and a self-signed certificate for it, and writes both to a fresh temp directory. */
export function createLocalCertificate(commonName = 'entra-mcp-gateway-local', validDays = 30): LocalCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const certificatePem = selfSigned(privateKey, publicKey, commonName, validDays);
  // Parse it back: a malformed certificate fails here, at start-up, not at the first token request.
  const parsed = new X509Certificate(certificatePem);
  if (!parsed.verify(parsed.publicKey)) throw new Error('The generated local certificate does not verify.');
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gateway-cert-'));
  const path = join(dir, 'gateway.pem');
  writeFileSync(path, privateKey + certificatePem, { mode: 0o600 });
  return { path, certificatePem, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function selfSigned(privateKeyPem: string, publicKeyPem: string, commonName: string, validDays: number): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = '4' + randomBytes(15).toString('hex'); // positive, as DER wants
  const now = Date.now();
  // Back-dated a little: a verifier whose clock runs behind must not see a certificate from the future.
  cert.validity.notBefore = new Date(now - 5 * 60_000);
  cert.validity.notAfter = new Date(now + validDays * 86_400_000);
  const name = [{ shortName: 'CN', value: commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}
