import { existsSync, statSync } from 'node:fs';
import { LOCAL_USERS } from '../../src/local/defaults.js';
import { call, connectAs, errorCode, startToolStack, type SignedInClient, type ToolStack } from './tools-support.js';

const ADELE = LOCAL_USERS[0];
const OBO_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('certificate gateway credential: MCP SDK sign-in, then an OBO tool call', () => {
  let ts: ToolStack;
  let adele: SignedInClient | undefined;

  beforeAll(async () => {
    ts = await startToolStack('certificate');
  }, 60_000);
  afterAll(async () => {
    await adele?.close();
    await ts?.close();
  });

  test('the stack wrote the key and certificate for the gateway, readable by its owner only; no secret, no managed identity', () => {
    const { env } = ts.stack;
    expect(env.ENTRA_CREDENTIAL).toBe('certificate');
    expect(statSync(env.ENTRA_CERTIFICATE_PATH!).mode & 0o777).toBe(0o600);
    expect(env.ENTRA_CLIENT_SECRET).toBeUndefined();
    expect(env.IDENTITY_ENDPOINT).toBeUndefined();
    const app = ts.stack.entra.directory.apps.find((a) => a.appId === env.ENTRA_CLIENT_ID)!;
    expect(app.certificates).toHaveLength(1);
    expect(app.secrets).toEqual([]);
    expect(app.federatedCredentials).toEqual([]);
  });

  test('code redemption and the OBO exchange both authenticate with a certificate-signed client_assertion', async () => {
    adele = await connectAs(ts.stack, ADELE.username);
    const result = await call(adele.client, 'get_graph_user_details');
    expect(errorCode(result)).toBeUndefined();
    expect(result.structured).toMatchObject({ id: ADELE.oid, displayName: ADELE.name, userPrincipalName: ADELE.username });

    const log = ts.tokenRequests;
    expect(log.filter((r) => r.grantType === 'authorization_code')).toEqual([{ grantType: 'authorization_code', clientAuth: 'client_assertion' }]);
    expect(log.filter((r) => r.grantType === OBO_GRANT)).toEqual([{ grantType: OBO_GRANT, clientAuth: 'client_assertion' }]);
    expect(log.every((r) => r.clientAuth === 'client_assertion')).toBe(true);
    // The only other assertion the emulator accepts is the managed identity's, and none was issued.
    expect(ts.stack.entra.counters.managedIdentityTokens).toBe(0);
    expect(ts.stack.managedIdentity.requests).toBe(0);
  });

  test('close() deletes the key file', async () => {
    const path = ts.stack.env.ENTRA_CERTIFICATE_PATH!;
    expect(existsSync(path)).toBe(true);
    await adele?.close();
    adele = undefined;
    await ts.close();
    expect(existsSync(path)).toBe(false);
  });
});
