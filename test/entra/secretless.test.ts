import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedIdentityCredential, type AccessToken, type TokenCredential } from '@azure/identity';
import { decodeJwt } from 'jose';
import { managedIdentityAssertion } from '../../src/entra/credentials.js';
import { createConfidentialClient } from '../../src/entra/msal-client.js';
import { LOCAL_GATEWAY_APP, LOCAL_MANAGED_IDENTITY } from '../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../src/local/entra/index.js';
import { startManagedIdentityEmulator, type ManagedIdentityEmulator } from '../../src/local/managed-identity/index.js';
import { localConfig } from './helpers.js';

// MSAL chooses the managed identity source once per process: the emulator and its environment variables
// are set up before any credential is used, and stay for the whole file.
describe('secretless: managed identity assertion as the client credential', () => {
  let entra: EntraEmulator;
  let mi: ManagedIdentityEmulator;
  const saved = { endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER };

  beforeAll(async () => {
    entra = await startEntraEmulator();
    mi = await startManagedIdentityEmulator({ entra });
    process.env.IDENTITY_ENDPOINT = mi.endpoint;
    process.env.IDENTITY_HEADER = mi.header;
  });
  afterAll(async () => {
    // Assigning undefined to process.env would store the string "undefined".
    if (saved.endpoint === undefined) delete process.env.IDENTITY_ENDPOINT;
    else process.env.IDENTITY_ENDPOINT = saved.endpoint;
    if (saved.header === undefined) delete process.env.IDENTITY_HEADER;
    else process.env.IDENTITY_HEADER = saved.header;
    await mi.close();
    await entra.close();
  });

  const miConfig = () =>
    localConfig(entra, { ENTRA_CREDENTIAL: 'managed_identity', ENTRA_CLIENT_SECRET: '', MANAGED_IDENTITY_CLIENT_ID: LOCAL_MANAGED_IDENTITY.clientId });

  test('ManagedIdentityCredential gets an assertion the emulator accepts as the federated credential', async () => {
    const cca = await createConfidentialClient(miConfig());
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${LOCAL_GATEWAY_APP.identifierUri}/.default`] });
    const claims = decodeJwt(result!.accessToken);
    // azpacr 2: the client authenticated with an assertion, not a secret.
    expect(claims).toMatchObject({ aud: LOCAL_GATEWAY_APP.clientId, azp: LOCAL_GATEWAY_APP.clientId, azpacr: '2', idtyp: 'app' });
    expect(entra.counters.managedIdentityTokens).toBeGreaterThanOrEqual(1);
  });

  test('the assertion is an Entra v2 token for api://AzureADTokenExchange (aud: its app id) about the managed identity', async () => {
    const token = await new ManagedIdentityCredential({ clientId: LOCAL_MANAGED_IDENTITY.clientId }).getToken('api://AzureADTokenExchange/.default');
    expect(decodeJwt(token!.token)).toMatchObject({
      aud: 'fb60f99c-7a34-4190-8149-302f77469936',
      iss: entra.issuerV2,
      sub: LOCAL_MANAGED_IDENTITY.principalId,
      azp: LOCAL_MANAGED_IDENTITY.clientId,
    });
  });

  test('the assertion is cached and renewed before it expires, not fetched once', async () => {
    let calls = 0;
    const real = new ManagedIdentityCredential({ clientId: LOCAL_MANAGED_IDENTITY.clientId });
    const counting: TokenCredential = {
      getToken: async (scopes, options): Promise<AccessToken | null> => {
        calls++;
        return real.getToken(scopes, options);
      },
    };
    let now = Date.now();
    const first = await real.getToken('api://AzureADTokenExchange/.default');
    // A day-long token: MSAL asks for renewal half way (refreshAfter), which is when the assertion renews.
    expect(first!.expiresOnTimestamp - now).toBeGreaterThan(23 * 3600 * 1000);
    const renewAt = Math.min(first!.expiresOnTimestamp - 5 * 60 * 1000, first!.refreshAfterTimestamp ?? Infinity);
    const assertion = managedIdentityAssertion(counting, () => now);
    await assertion();
    await assertion();
    expect(calls).toBe(1);
    now = renewAt - 60 * 1000;
    await assertion();
    expect(calls).toBe(1);
    now = renewAt + 1000;
    await assertion();
    expect(calls).toBe(2);
  });

  test('a client secret still works (ENTRA_CREDENTIAL=secret)', async () => {
    const cca = await createConfidentialClient(localConfig(entra));
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${LOCAL_GATEWAY_APP.clientId}/.default`] });
    expect(decodeJwt(result!.accessToken)).toMatchObject({ azpacr: '1', aud: LOCAL_GATEWAY_APP.clientId });
  });
});

describe('certificate credential (ENTRA_CERTIFICATE_PATH)', () => {
  let dir: string;
  let entra: EntraEmulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'entra-cert-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=gateway-test'], {
      stdio: 'ignore',
    });
    const certificatePem = readFileSync(cert, 'utf8');
    writeFileSync(join(dir, 'both.pem'), readFileSync(key, 'utf8') + certificatePem);
    entra = await startEntraEmulator({
      directory: { apps: [{ appId: LOCAL_GATEWAY_APP.clientId, displayName: 'Entra MCP Gateway (local)', certificates: [{ certificatePem }] }] },
    });
  });
  afterAll(async () => {
    await entra.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('MSAL signs the client assertion with the certificate; the emulator verifies it against the registered one', async () => {
    const config = localConfig(entra, { ENTRA_CREDENTIAL: 'certificate', ENTRA_CLIENT_SECRET: '', ENTRA_CERTIFICATE_PATH: join(dir, 'both.pem') });
    const cca = await createConfidentialClient(config);
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${LOCAL_GATEWAY_APP.clientId}/.default`] });
    expect(decodeJwt(result!.accessToken)).toMatchObject({ azpacr: '2', azp: LOCAL_GATEWAY_APP.clientId });
  });
});
