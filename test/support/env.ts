/**
 * A complete, valid dev configuration for tests that build the gateway's parts directly (no stack);
 * each test overrides what it needs. The keys are fixed test values, never used outside tests.
 */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GATEWAY_MODE: 'dev',
    GATEWAY_BASE_URL: 'http://localhost:7071',
    ENTRA_TENANT_ID: '00000000-0000-4000-8000-000000000001',
    ENTRA_CLIENT_ID: '11111111-1111-4111-8111-111111111111',
    ENTRA_AUTHORITY_HOST: 'http://localhost:7072',
    COSMOS_ENDPOINT: 'http://127.0.0.1:8081/',
    COSMOS_KEY: 'local',
    TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64url')}`,
    COOKIE_SECRET: Buffer.alloc(32, 2).toString('base64url'),
    ...overrides,
  };
}
