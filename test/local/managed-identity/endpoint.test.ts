import { createRemoteJWKSet, jwtVerify } from 'jose';
import { LOCAL_MANAGED_IDENTITY } from '../../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../../src/local/entra/index.js';
import { startManagedIdentityEmulator, type ManagedIdentityEmulator } from '../../../src/local/managed-identity/index.js';

describe('managed identity endpoint emulator (App Service, api-version 2019-08-01)', () => {
  let entra: EntraEmulator;
  let mi: ManagedIdentityEmulator;

  beforeAll(async () => {
    entra = await startEntraEmulator();
    mi = await startManagedIdentityEmulator({ entra });
  });
  afterAll(async () => {
    await mi.close();
    await entra.close();
  });

  const request = (params: Record<string, string>, header: string | null = mi.header) =>
    fetch(`${mi.endpoint}?${new URLSearchParams(params)}`, { headers: header === null ? {} : { 'X-IDENTITY-HEADER': header } });

  test('issues an Entra-signed assertion for api://AzureADTokenExchange with expires_on in epoch seconds', async () => {
    const response = await request({ 'api-version': '2019-08-01', resource: 'api://AzureADTokenExchange', client_id: LOCAL_MANAGED_IDENTITY.clientId });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({ resource: 'api://AzureADTokenExchange', token_type: 'Bearer', client_id: LOCAL_MANAGED_IDENTITY.clientId });
    expect(body.expires_on).toMatch(/^\d+$/);
    const jwks = createRemoteJWKSet(new URL(`${entra.url}/${entra.tenantId}/discovery/v2.0/keys`));
    // As in Azure: the v2 token-exchange app's id is the audience, and the token lives about a day.
    const { payload } = await jwtVerify(body.access_token!, jwks, { issuer: entra.issuerV2, audience: 'fb60f99c-7a34-4190-8149-302f77469936' });
    expect(payload.sub).toBe(LOCAL_MANAGED_IDENTITY.principalId);
    expect(payload.exp! - payload.iat!).toBe(24 * 3600);
    expect(Number(body.expires_on) - payload.iat!).toBe(24 * 3600);
  });

  test('selects the identity by principal_id as well', async () => {
    const response = await request({ 'api-version': '2019-08-01', resource: 'api://AzureADTokenExchange', principal_id: LOCAL_MANAGED_IDENTITY.principalId });
    expect(response.status).toBe(200);
  });

  test('refuses a request without the X-IDENTITY-HEADER secret, or with a wrong one', async () => {
    const params = { 'api-version': '2019-08-01', resource: 'api://AzureADTokenExchange', client_id: LOCAL_MANAGED_IDENTITY.clientId };
    expect((await request(params, null)).status).toBe(401);
    expect((await request(params, 'not-the-secret')).status).toBe(401);
  });

  test('refuses another api-version, a missing resource, and an identity that does not exist', async () => {
    expect((await request({ 'api-version': '2017-09-01', resource: 'api://AzureADTokenExchange', client_id: LOCAL_MANAGED_IDENTITY.clientId })).status).toBe(
      400,
    );
    expect((await request({ 'api-version': '2019-08-01', client_id: LOCAL_MANAGED_IDENTITY.clientId })).status).toBe(400);
    const unknown = await request({ 'api-version': '2019-08-01', resource: 'api://AzureADTokenExchange', client_id: '44444444-4444-4444-8444-444444444444' });
    expect(unknown.status).toBe(400);
    // No system-assigned identity is enabled, as for a Function App with only the user-assigned one.
    expect((await request({ 'api-version': '2019-08-01', resource: 'api://AzureADTokenExchange' })).status).toBe(400);
  });
});
