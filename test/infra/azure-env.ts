import { randomBytes } from 'node:crypto';

/**
 * A production-like environment for loading the app without Azure: azure mode, managed identity, public
 * Entra, an Azure Cosmos endpoint, fresh random secrets, as the Bicep sets them. Nothing is contacted
 * while the app loads. Used by the packaging tests and the `cold` benchmark.
 */
export function azureLikeEnv(): Record<string, string> {
  const secret = () => randomBytes(32).toString('base64url');
  return {
    PATH: process.env.PATH ?? '',
    WEBSITE_SITE_NAME: 'func-test', // "in Azure": the `required: 'azure'` settings must be present
    FUNCTIONS_WORKER_RUNTIME: 'node',
    GATEWAY_MODE: 'azure',
    GATEWAY_BASE_URL: 'https://func-test.azurewebsites.net',
    ENTRA_TENANT_ID: '00000000-0000-4000-8000-000000000001',
    ENTRA_CLIENT_ID: '11111111-1111-4111-8111-111111111111',
    ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.com',
    ENTRA_CREDENTIAL: 'managed_identity',
    MANAGED_IDENTITY_CLIENT_ID: '22222222-2222-4222-8222-222222222222',
    COSMOS_ENDPOINT: 'https://cosmos-test.documents.azure.com:443/',
    TOKEN_ENCRYPTION_KEYS: `k1:${secret()}`,
    COOKIE_SECRET: secret(),
    MCP_EXTENSION_KEY: secret(),
  };
}
