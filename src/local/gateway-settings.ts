// The settings the local stack hands the gateway app (through `process.env`, as `local.settings.json`
// would under `func start`), made from the emulators it just started.
import { randomBytes } from 'node:crypto';
import { LOCAL_GATEWAY_APP, LOCAL_MANAGED_IDENTITY } from './defaults.js';

/** How the gateway proves itself to Entra on the local stack (`LocalStackOptions.credential`). */
export type LocalCredential = 'managed_identity' | 'secret' | 'certificate';

export const COSMOS_DATABASE = 'mcp-gateway';
/** The in-process Cosmos server accepts any key; the client just needs one to sign requests. */
export const COSMOS_DUMMY_KEY = 'bG9jYWwtY29zbW9zLWtleS1hbnktdmFsdWUtd29ya3M=';

/** 32 random bytes, base64url: a fresh key or secret for one run. */
export const randomSecret = () => randomBytes(32).toString('base64url');

interface SettingsInput {
  gatewayUrl: string;
  cosmos: { endpoint: string };
  entra: { tenantId: string; authorityHost: string };
  managedIdentity: { endpoint: string; header: string };
  graph: { url: string };
  mcpExtensionKey: string;
  certificatePath?: string;
  options: { credential?: LocalCredential; env?: Record<string, string> };
}

/** The gateway's settings (names from `src/config/settings.ts`) for the emulators just started. */
export function gatewaySettings(input: SettingsInput): Record<string, string> {
  const { gatewayUrl, cosmos, entra, managedIdentity, graph, mcpExtensionKey, certificatePath, options } = input;
  const credential = options.credential ?? 'managed_identity';
  const env: Record<string, string> = {
    GATEWAY_MODE: 'dev',
    GATEWAY_BASE_URL: gatewayUrl,
    ENTRA_TENANT_ID: entra.tenantId,
    ENTRA_CLIENT_ID: LOCAL_GATEWAY_APP.clientId,
    ENTRA_API_SCOPE: LOCAL_GATEWAY_APP.apiScope,
    ENTRA_AUTHORITY_HOST: entra.authorityHost,
    ENTRA_CREDENTIAL: credential,
    GRAPH_BASE_URL: graph.url,
    COSMOS_ENDPOINT: cosmos.endpoint,
    COSMOS_DATABASE,
    COSMOS_KEY: COSMOS_DUMMY_KEY,
    // Fresh every run: nothing the local stack encrypts or signs outlives it, and no key is ever a constant.
    TOKEN_ENCRYPTION_KEYS: `k1:${randomSecret()}`,
    COOKIE_SECRET: randomSecret(),
    CIMD_ALLOW_LOOPBACK: 'true',
    // MCP Inspector's UI, on its default port, may call the MCP endpoints from the browser.
    MCP_ALLOWED_ORIGINS: 'http://localhost:6274,http://127.0.0.1:6274',
    MCP_EXTENSION_URL: `${gatewayUrl}/runtime/webhooks/mcp`,
    MCP_EXTENSION_KEY: mcpExtensionKey,
  };
  if (credential === 'managed_identity') {
    env.MANAGED_IDENTITY_CLIENT_ID = LOCAL_MANAGED_IDENTITY.clientId;
    // What App Service sets for an app with a managed identity; @azure/identity reads these two.
    env.IDENTITY_ENDPOINT = managedIdentity.endpoint;
    env.IDENTITY_HEADER = managedIdentity.header;
  } else if (credential === 'certificate') {
    env.ENTRA_CERTIFICATE_PATH = certificatePath!;
  } else {
    env.ENTRA_CLIENT_SECRET = LOCAL_GATEWAY_APP.clientSecret;
  }
  return { ...env, ...options.env };
}
