import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadCertificate } from '../../src/entra/credentials.js';
import { createLocalCertificate, type LocalCertificate } from '../../src/local/certificate.js';

describe('local certificate (ENTRA_CREDENTIAL=certificate on the local stack)', () => {
  let made: LocalCertificate[] = [];
  afterEach(() => {
    for (const c of made) c.remove();
    made = [];
  });
  const create = (...args: Parameters<typeof createLocalCertificate>) => {
    const c = createLocalCertificate(...args);
    made.push(c);
    return c;
  };

  test('a self-signed X.509 certificate, valid from a few minutes ago, whose key is in the same owner-only file', () => {
    const before = Date.now();
    const local = create('unit-test-cn', 2);
    const cert = new X509Certificate(local.certificatePem);
    expect(cert.subject).toBe('CN=unit-test-cn');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(before);
    expect(Date.parse(cert.validTo) - before).toBeGreaterThan(2 * 86_400_000 - 60_000);
    expect(Date.parse(cert.validTo) - before).toBeLessThanOrEqual(2 * 86_400_000 + 60_000);
    expect(statSync(local.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(local.path, 'utf8')).toContain(local.certificatePem);
  });

  test('the production loader accepts the file: key and certificate belong together', () => {
    const local = create();
    const loaded = loadCertificate(local.path);
    expect(loaded.x5c).toBe(new X509Certificate(local.certificatePem).raw.toString('base64'));
    expect(loaded.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.privateKey).toContain('BEGIN PRIVATE KEY');
  });

  test('every run gets its own key, serial and directory; remove() deletes the directory', () => {
    const a = create();
    const b = create();
    const ca = new X509Certificate(a.certificatePem);
    const cb = new X509Certificate(b.certificatePem);
    expect(ca.serialNumber).not.toBe(cb.serialNumber);
    expect(ca.fingerprint256).not.toBe(cb.fingerprint256);
    expect(dirname(a.path)).not.toBe(dirname(b.path));
    a.remove();
    expect(existsSync(dirname(a.path))).toBe(false);
    expect(existsSync(b.path)).toBe(true);
  });
});
