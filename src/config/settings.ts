import * as z from 'zod';
import { bool, count, generateKeyHint, groupPermissions, guid, keyRing, list, origins, secretBytes, seconds, url } from './schemas.js';

/**
 * Every setting the gateway reads, in one table. `loadConfig` validates them; the README,
 * `local.settings.sample.json` and the Bicep are checked against this table by tests.
 *
 * - `required: 'always'`: must be set wherever the app runs.
 * - `required: 'azure'`: has a development default, but must be set explicitly in Azure (the Bicep sets it).
 * - `required: 'never'`: optional, with a default or an off state.
 * - `secret`: never logged; in Azure it comes from Key Vault or a generated value, never from source.
 */
export interface SettingSpec {
  description: string;
  /** What to do when the value is missing or wrong; appended to the error. */
  fix: string;
  schema: z.ZodType<unknown>;
  required: 'always' | 'azure' | 'never';
  /** Raw value used when the variable is unset (only for `required: 'never' | 'azure'`). */
  default?: string;
  secret?: boolean;
  /** Shown in `local.settings.sample.json`. */
  example: string;
}

export const settings = {
  GATEWAY_MODE: {
    description: '"azure" for real Entra ID and Azure services; "dev" for the local emulators (refused in Azure).',
    fix: 'set it to "azure" or "dev".',
    schema: z.enum(['azure', 'dev'], { message: 'must be "azure" or "dev"' }),
    required: 'never',
    default: 'azure',
    example: 'dev',
  },
  GATEWAY_BASE_URL: {
    description: 'The public URL MCP clients use, without a trailing slash. It is the OAuth issuer; the MCP resource is {GATEWAY_BASE_URL}/mcp.',
    fix: 'set it to the https URL of the Function App, e.g. https://my-gateway.azurewebsites.net (http only for localhost).',
    schema: url,
    required: 'always',
    example: 'http://localhost:7071',
  },
  ENTRA_TENANT_ID: {
    description: 'The Entra ID tenant (directory) id that signs users in.',
    fix: 'copy "Directory (tenant) ID" from the app registration overview in the Entra admin center.',
    schema: guid,
    required: 'always',
    example: '00000000-0000-4000-8000-000000000001',
  },
  ENTRA_CLIENT_ID: {
    description: "The gateway's app registration (confidential web client) client id.",
    fix: 'copy "Application (client) ID" from the app registration overview.',
    schema: guid,
    required: 'always',
    example: '11111111-1111-4111-8111-111111111111',
  },
  ENTRA_API_CLIENT_ID: {
    description: 'Client id of a separate API app registration whose scope the gateway requests. Empty: the gateway app is also the API.',
    fix: 'set it to the API app\'s "Application (client) ID", or leave it empty.',
    schema: guid.optional(),
    required: 'never',
    example: '',
  },
  ENTRA_API_SCOPE: {
    description: 'Name of the delegated scope the API app exposes (the gateway asks for {apiClientId}/{name}).',
    fix: 'set it to a scope name listed under "Expose an API" in the app registration.',
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be a bare scope name such as access_as_user'),
    required: 'never',
    default: 'access_as_user',
    example: 'access_as_user',
  },
  ENTRA_AUTHORITY_HOST: {
    description:
      'Entra authority host: https://login.microsoftonline.com (public), https://login.microsoftonline.us (US Gov) or https://login.chinacloudapi.cn (China); in dev mode, the emulator.',
    fix: 'use one of the Entra authority hosts; an emulator URL is accepted only with GATEWAY_MODE=dev.',
    schema: url,
    required: 'never',
    default: 'https://login.microsoftonline.com',
    example: 'https://login.microsoftonline.com',
  },
  ENTRA_CREDENTIAL: {
    description: 'How the gateway proves its identity to Entra: "managed_identity" (federated credential, secretless), "secret" or "certificate".',
    fix: 'set it to managed_identity, secret or certificate.',
    schema: z.enum(['managed_identity', 'secret', 'certificate'], {
      message: 'must be managed_identity, secret or certificate',
    }),
    required: 'never',
    default: 'managed_identity',
    example: 'managed_identity',
  },
  ENTRA_CLIENT_SECRET: {
    description: 'Client secret of the gateway app (only with ENTRA_CREDENTIAL=secret).',
    fix: 'create a client secret under "Certificates & secrets" and store it in Key Vault or local.settings.json.',
    schema: z.string().min(1).optional(),
    required: 'never',
    secret: true,
    example: '',
  },
  ENTRA_CERTIFICATE_PATH: {
    description: 'Path of a PEM file with the private key and certificate uploaded to the app (only with ENTRA_CREDENTIAL=certificate).',
    fix: 'point it at a readable PEM file that holds both the certificate and its private key.',
    schema: z.string().min(1).optional(),
    required: 'never',
    example: '',
  },
  MANAGED_IDENTITY_CLIENT_ID: {
    description: 'Client id of the user-assigned managed identity whose token is the federated credential (ENTRA_CREDENTIAL=managed_identity).',
    fix: 'set it to the clientId of the user-assigned identity attached to the Function App.',
    schema: guid.optional(),
    required: 'azure',
    example: '',
  },
  ENTRA_ALLOWED_TENANTS: {
    description: 'Comma-separated tenant ids whose users and direct Entra tokens are accepted. Empty: only ENTRA_TENANT_ID.',
    fix: 'list tenant GUIDs separated by commas.',
    schema: list.pipe(z.array(guid)),
    required: 'never',
    default: '',
    example: '',
  },
  ACCEPT_ENTRA_TOKENS: {
    description: "Also accept Entra access tokens issued for the gateway's API at /mcp (RS256, Entra JWKS).",
    fix: 'set it to "true" or "false".',
    schema: bool,
    required: 'never',
    default: 'true',
    example: 'true',
  },
  GRAPH_BASE_URL: {
    description: 'Microsoft Graph base URL (national clouds or the local emulator).',
    fix: 'use https://graph.microsoft.com or the national cloud Graph endpoint.',
    schema: url,
    required: 'never',
    default: 'https://graph.microsoft.com',
    example: 'https://graph.microsoft.com',
  },
  COSMOS_ENDPOINT: {
    description: 'Cosmos DB account endpoint holding clients, authorizations, codes and grants.',
    fix: 'set it to the account URI, e.g. https://my-account.documents.azure.com:443/.',
    schema: z.string().url('must be an absolute URL'),
    required: 'always',
    example: 'https://localhost:8081/',
  },
  COSMOS_DATABASE: {
    description: 'Cosmos DB database name.',
    fix: 'set it to the database created by the Bicep (default mcp-gateway).',
    schema: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be a plain database name'),
    required: 'never',
    default: 'mcp-gateway',
    example: 'mcp-gateway',
  },
  COSMOS_KEY: {
    description: 'Cosmos DB account key. Empty: the managed identity is used (data-plane RBAC), as in Azure.',
    fix: 'leave it empty in Azure; locally it is any value the emulator accepts.',
    schema: z.string().min(1).optional(),
    required: 'never',
    secret: true,
    example: '',
  },
  TOKEN_ENCRYPTION_KEYS: {
    description:
      'Key ring for session tokens (JWE dir+A256GCM) and data-at-rest keys: "kid:key,kid:key"; the first encrypts, all decrypt, so keys rotate without signing anyone out.',
    fix: `set it to "k1:<key>", ${generateKeyHint}; to rotate, put the new key first and keep the old one after it.`,
    schema: keyRing,
    required: 'always',
    secret: true,
    example: 'k1:<32 random bytes, base64url>',
  },
  COOKIE_SECRET: {
    description: 'HMAC key for the consent and flow-binding cookies.',
    fix: generateKeyHint + '.',
    schema: secretBytes,
    required: 'always',
    secret: true,
    example: '<32 random bytes, base64url>',
  },
  ACCESS_TOKEN_TTL_SECONDS: {
    description: 'Lifetime of the session access tokens issued to MCP clients.',
    fix: 'use a whole number of seconds between 60 and 86400.',
    schema: seconds(60, 86400),
    required: 'never',
    default: '3600',
    example: '3600',
  },
  REFRESH_TOKEN_TTL_SECONDS: {
    description: 'Lifetime of a grant without use (each refresh extends it).',
    fix: 'use a whole number of seconds between 3600 and 7776000 (90 days).',
    schema: seconds(3600, 7776000),
    required: 'never',
    default: '2592000',
    example: '2592000',
  },
  REFRESH_TOKEN_GRACE_SECONDS: {
    description:
      'How long a rotated refresh token is still answered with the same new token pair (parallel or retried refreshes), unless its successor was used first. After that, presenting it revokes the grant.',
    fix: 'use a whole number of seconds between 0 and 300.',
    schema: seconds(0, 300),
    required: 'never',
    default: '60',
    example: '60',
  },
  MCP_EXTENSION_URL: {
    description: 'Where the MCP extension listens (the gateway forwards authenticated MCP traffic there). Empty: {GATEWAY_BASE_URL}/runtime/webhooks/mcp.',
    fix: 'set it to the /runtime/webhooks/mcp URL of this Function App.',
    schema: url.optional(),
    required: 'never',
    example: '',
  },
  MCP_EXTENSION_KEY: {
    description: 'The "mcp_extension" system key, sent as x-functions-key when forwarding.',
    fix: 'in Azure the postdeploy hook copies it into Key Vault (azd hooks run postdeploy); by hand: az functionapp keys list -g <rg> -n <app> --query systemKeys.mcp_extension.',
    schema: z.string().min(1).optional(),
    required: 'azure',
    secret: true,
    example: '',
  },
  MCP_ALLOWED_ORIGINS: {
    description:
      "Comma-separated browser origins allowed to call /mcp, /mcp/sse and /mcp/message besides the gateway's own. A request with any other Origin gets 403; requests without Origin (non-browser clients) are served.",
    fix: 'list origins such as https://inspector.example.com,http://localhost:6274 (scheme, host and port; no path).',
    schema: origins,
    required: 'never',
    default: '',
    example: '',
  },
  RATE_LIMIT_REGISTER_PER_MINUTE: {
    description:
      'Dynamic registrations (POST /register) one client address may make per minute, per instance; more get 429 with Retry-After. 0 turns the limit off.',
    fix: 'use a whole number between 0 and 100000.',
    schema: count(0, 100000),
    required: 'never',
    default: '30',
    example: '30',
  },
  RATE_LIMIT_AUTHORIZE_PER_MINUTE: {
    description: 'Authorization requests (GET /authorize) one client address may make per minute, per instance; more get a 429 page. 0 turns the limit off.',
    fix: 'use a whole number between 0 and 100000.',
    schema: count(0, 100000),
    required: 'never',
    default: '60',
    example: '60',
  },
  RATE_LIMIT_TOKEN_PER_MINUTE: {
    description: 'Token requests (POST /token) one client address may make per minute, per instance; more get 429 with Retry-After. 0 turns the limit off.',
    fix: 'use a whole number between 0 and 100000.',
    schema: count(0, 100000),
    required: 'never',
    default: '120',
    example: '120',
  },
  TRUSTED_PROXY_HOPS: {
    description:
      "How many X-Forwarded-For entries, counted from the right, were written by trusted infrastructure: 1 behind Azure's front end alone, 2 with one more proxy (Front Door, Application Gateway) in front. The entry found there is the client address the rate limits count.",
    fix: 'use a whole number between 1 and 10.',
    schema: count(1, 10),
    required: 'never',
    default: '1',
    example: '1',
  },
  REDIRECT_URI_ALLOWLIST: {
    description:
      'Optional comma-separated redirect URI patterns ("*" matches within one path segment or port) that dynamic registration accepts. Empty: any URI that passes the built-in rules.',
    fix: 'list patterns such as http://localhost:*/callback,cursor://anysphere.cursor-mcp/oauth/callback.',
    schema: list,
    required: 'never',
    default: '',
    example: '',
  },
  CLIENT_NAME_ALLOWLIST: {
    description:
      'Optional comma-separated client names (case-insensitive substrings, e.g. claude,cursor,vscode,mcp-inspector,chatgpt) that dynamic registration accepts. Empty: any.',
    fix: 'list client names separated by commas, or leave it empty.',
    schema: list,
    required: 'never',
    default: '',
    example: '',
  },
  DCR_UNUSED_CLIENT_TTL_SECONDS: {
    description:
      'How long a dynamically registered client lives until tokens are first issued to it; once used, it lives REFRESH_TOKEN_TTL_SECONDS after its last use. Unused registrations then disappear by themselves.',
    fix: 'use a whole number of seconds between 600 and 2592000 (30 days).',
    schema: seconds(600, 2592000),
    required: 'never',
    default: '86400',
    example: '86400',
  },
  CIMD_ALLOW_LOOPBACK: {
    description: 'Allow client-ID metadata documents on loopback addresses (dev mode only, for the local stack).',
    fix: 'set it to "true" only with GATEWAY_MODE=dev.',
    schema: bool,
    required: 'never',
    default: 'false',
    example: 'false',
  },
  GROUP_PERMISSIONS: {
    description:
      'JSON map from Entra group id to tool permissions, e.g. {"<group-id>":["clients.read"]}. For a user in more than 200 groups (group overage) membership is checked through Microsoft Graph.',
    fix: 'write a JSON object whose keys are group GUIDs and values are arrays of permission names.',
    schema: groupPermissions,
    required: 'never',
    default: '{}',
    example: '{}',
  },
  TELEMETRY_CONSOLE: {
    description:
      'Print OpenTelemetry spans to the console (the local stack then shows what Application Insights gets; in Azure, APPLICATIONINSIGHTS_CONNECTION_STRING turns on the export there).',
    fix: 'set it to "true" or "false".',
    schema: bool,
    required: 'never',
    default: 'false',
    example: 'false',
  },
} satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof settings;
