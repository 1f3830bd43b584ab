/**
 * The local stack's fixed identities, shared by the emulators, `npm start`, the README and the tests.
 * The users are the design's (section 6), exactly.
 */
export const LOCAL_TENANT_ID = '00000000-0000-4000-8000-000000000001';
export const LOCAL_PASSWORD = 'Passw0rd!';
/** The Entra emulator's second factor (its "authenticator app" code), asked when Conditional Access wants MFA. */
export const LOCAL_MFA_CODE = '123456';

/** The gateway's app registration in the emulator: confidential web client and API at once. */
export const LOCAL_GATEWAY_APP = {
  clientId: '11111111-1111-4111-8111-111111111111',
  displayName: 'Entra MCP Gateway (local)',
  /** Only for ENTRA_CREDENTIAL=secret runs on the local stack; never a production value. */
  clientSecret: 'local-dev-secret-not-for-production',
  apiScope: 'access_as_user',
  identifierUri: 'api://11111111-1111-4111-8111-111111111111',
} as const;

/** The user-assigned managed identity whose token is the gateway app's federated credential. */
export const LOCAL_MANAGED_IDENTITY = {
  clientId: '22222222-2222-4222-8222-222222222222',
  principalId: '33333333-3333-4333-8333-333333333333',
} as const;

export const LOCAL_USERS = [
  {
    oid: 'aaaaaaaa-0000-4000-8000-000000000001',
    username: 'adele@contoso.test',
    name: 'Adele Vance',
    roles: ['MCP.User'],
    groups: ['99999999-0000-4000-8000-000000000001'],
  },
  {
    oid: 'aaaaaaaa-0000-4000-8000-000000000002',
    username: 'admin@contoso.test',
    name: 'Megan Bowen (Admin)',
    roles: ['MCP.User', 'MCP.Admin'],
    groups: ['99999999-0000-4000-8000-000000000001', '99999999-0000-4000-8000-000000000002'],
  },
] as const;

/** Microsoft Graph's well-known application id. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
