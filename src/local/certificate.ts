// A throwaway client certificate for the local stack's ENTRA_CREDENTIAL=certificate runs. Node can
// sign but not build X.509, so the few DER structures of a minimal self-signed certificate are written
// here: no openssl binary, no dependency, same on every OS.
import { generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificatePem = selfSignedCertificate(privateKey, publicKey, commonName, validDays);
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gateway-cert-'));
  const path = join(dir, 'gateway.pem');
  writeFileSync(path, keyPem + certificatePem, { mode: 0o600 });
  return { path, certificatePem, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** X.509 v3, sha256WithRSAEncryption, subject = issuer = CN, no extensions (Entra checks none of them). */
export function selfSignedCertificate(privateKey: KeyObject, publicKey: KeyObject, commonName: string, validDays: number): string {
  const algorithm = seq(hex('06092a864886f70d01010b'), hex('0500')); // sha256WithRSAEncryption, NULL params
  const name = seq(set(seq(hex('0603550403'), tlv(0x0c, Buffer.from(commonName, 'utf8'))))); // CN (2.5.4.3)
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive and minimal, as DER wants
  const now = Date.now();
  // Back-dated a little: a verifier whose clock runs behind must not see a certificate from the future.
  const validity = seq(utcTime(new Date(now - 5 * 60_000)), utcTime(new Date(now + validDays * 86_400_000)));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // [0] version v3
    tlv(0x02, serial),
    algorithm,
    name,
    validity,
    name,
    publicKey.export({ format: 'der', type: 'spki' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  // Parse it back: a malformed structure fails here, at start-up, not at the first token request.
  if (!new X509Certificate(pem).verify(publicKey)) throw new Error('The generated local certificate does not verify.');
  return pem;
}

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : lengthBytes(n);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

/** DER long-form length: 0x80 | byte count, then the big-endian bytes. */
function lengthBytes(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const hex = (h: string) => Buffer.from(h, 'hex');

/** UTCTime (YYMMDDHHMMSSZ), which X.509 requires for dates before 2050. */
function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2025-01-31T12:34:56.789Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}
