import * as z from 'zod';
import { ConfigError, type ConfigProblem } from './errors.js';
import { settings, type SettingName, type SettingSpec } from './settings.js';

export { ConfigError } from './errors.js';
export { settings } from './settings.js';

/** The Entra authority hosts the gateway may contact in Azure (no other host is ever called). */
export const ENTRA_AUTHORITY_HOSTS = ['https://login.microsoftonline.com', 'https://login.microsoftonline.us', 'https://login.chinacloudapi.cn'] as const;

/**
 * An app setting that App Service did not resolve still holds the reference text itself
 * (`@Microsoft.KeyVault(SecretUri=...)`); it resolves references when the app starts.
 */
const UNRESOLVED_REFERENCE = /^@Microsoft\.(KeyVault|AppConfiguration)\(/i;

function unresolvedReference(spec: SettingSpec): string {
  return (
    'is still an unresolved reference ("@Microsoft.KeyVault(...)"): App Service could not read the secret when the app started ' +
    "(the secret does not exist yet, or the app's identity may not read it yet: a new role assignment takes minutes to apply). " +
    "Fix: check the setting's reference status (portal: the Function App's Environment variables), make sure the secret exists " +
    `and the identity has Key Vault Secrets User on the vault, then restart the app. ${spec.fix}`
  );
}

type Parsed = { [K in SettingName]: z.output<(typeof settings)[K]['schema']> };

export type Config = ReturnType<typeof shape>;

/**
 * Reads and validates every setting once. Throws `ConfigError` naming each wrong setting and its fix;
 * never echoes a secret value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: ConfigProblem[] = [];
  const values: Partial<Record<SettingName, unknown>> = {};
  const runsInAzure = Boolean(env.WEBSITE_INSTANCE_ID || env.WEBSITE_SITE_NAME);

  for (const [name, spec] of Object.entries(settings) as [SettingName, SettingSpec][]) {
    const raw = env[name]?.trim() ? env[name]!.trim() : undefined;
    if (raw !== undefined && UNRESOLVED_REFERENCE.test(raw)) {
      problems.push({ setting: name, message: unresolvedReference(spec) });
      continue;
    }
    if (raw === undefined) {
      if (spec.required === 'always' || (spec.required === 'azure' && runsInAzure)) {
        problems.push({ setting: name, message: `is not set. ${spec.description} Fix: ${spec.fix}` });
        continue;
      }
    }
    const parsed = spec.schema.safeParse(raw ?? spec.default);
    if (parsed.success) values[name] = parsed.data;
    else {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      const shown = spec.secret ? '' : ` (got "${raw}")`;
      problems.push({ setting: name, message: `${why}${shown}. Fix: ${spec.fix}` });
    }
  }
  if (problems.length === 0) problems.push(...crossChecks(values as Parsed, runsInAzure));
  if (problems.length > 0) throw new ConfigError(problems);
  return shape(values as Parsed);
}

function isLoopbackUrl(value: string): boolean {
  const host = new URL(value).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function crossChecks(v: Parsed, runsInAzure: boolean): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const dev = v.GATEWAY_MODE === 'dev';
  if (dev && runsInAzure) {
    problems.push({
      setting: 'GATEWAY_MODE',
      message: 'is "dev" but the app runs in Azure (WEBSITE_INSTANCE_ID is set). The emulators are for local use only. Fix: set GATEWAY_MODE=azure.',
    });
  }
  const base = new URL(v.GATEWAY_BASE_URL);
  if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackUrl(v.GATEWAY_BASE_URL))) {
    problems.push({ setting: 'GATEWAY_BASE_URL', message: `must use https (http only for localhost). Fix: ${settings.GATEWAY_BASE_URL.fix}` });
  }
  if (base.search || base.hash || base.pathname !== '/') {
    problems.push({
      setting: 'GATEWAY_BASE_URL',
      message: 'must be an origin without path, query or fragment (the OAuth issuer). Fix: use e.g. https://my-gateway.azurewebsites.net',
    });
  }
  if (!dev && !(ENTRA_AUTHORITY_HOSTS as readonly string[]).includes(v.ENTRA_AUTHORITY_HOST)) {
    problems.push({
      setting: 'ENTRA_AUTHORITY_HOST',
      message: `"${v.ENTRA_AUTHORITY_HOST}" is not an Entra authority host. Fix: use one of ${ENTRA_AUTHORITY_HOSTS.join(', ')} (emulators need GATEWAY_MODE=dev).`,
    });
  }
  if (v.ENTRA_CREDENTIAL === 'secret' && !v.ENTRA_CLIENT_SECRET) {
    problems.push({ setting: 'ENTRA_CLIENT_SECRET', message: `is required when ENTRA_CREDENTIAL=secret. Fix: ${settings.ENTRA_CLIENT_SECRET.fix}` });
  }
  if (v.ENTRA_CREDENTIAL === 'certificate' && !v.ENTRA_CERTIFICATE_PATH) {
    problems.push({ setting: 'ENTRA_CERTIFICATE_PATH', message: `is required when ENTRA_CREDENTIAL=certificate. Fix: ${settings.ENTRA_CERTIFICATE_PATH.fix}` });
  }
  if (v.CIMD_ALLOW_LOOPBACK && !dev) {
    problems.push({
      setting: 'CIMD_ALLOW_LOOPBACK',
      message: 'is only allowed with GATEWAY_MODE=dev (it would let metadata URLs reach loopback services). Fix: set it to "false".',
    });
  }
  return problems;
}

function shape(v: Parsed) {
  const apiClientId = v.ENTRA_API_CLIENT_ID ?? v.ENTRA_CLIENT_ID;
  return {
    mode: v.GATEWAY_MODE,
    baseUrl: v.GATEWAY_BASE_URL,
    /** The protected resource MCP clients name in `resource` (RFC 8707) and find in the PRM. */
    mcpResource: `${v.GATEWAY_BASE_URL}/mcp`,
    /** Browser origins allowed on the MCP endpoints besides the gateway's own. */
    mcpAllowedOrigins: v.MCP_ALLOWED_ORIGINS,
    entra: {
      tenantId: v.ENTRA_TENANT_ID,
      clientId: v.ENTRA_CLIENT_ID,
      apiClientId,
      /** GUID form (`{appId}/name`), which avoids AADSTS90009 when the app asks for its own scope. */
      apiScope: `${apiClientId}/${v.ENTRA_API_SCOPE}`,
      apiScopeName: v.ENTRA_API_SCOPE,
      authorityHost: v.ENTRA_AUTHORITY_HOST,
      credential: v.ENTRA_CREDENTIAL,
      clientSecret: v.ENTRA_CLIENT_SECRET,
      certificatePath: v.ENTRA_CERTIFICATE_PATH,
      managedIdentityClientId: v.MANAGED_IDENTITY_CLIENT_ID,
      allowedTenants: v.ENTRA_ALLOWED_TENANTS.length > 0 ? v.ENTRA_ALLOWED_TENANTS : [v.ENTRA_TENANT_ID],
      acceptEntraTokens: v.ACCEPT_ENTRA_TOKENS,
    },
    graphBaseUrl: v.GRAPH_BASE_URL,
    cosmos: { endpoint: v.COSMOS_ENDPOINT, database: v.COSMOS_DATABASE, key: v.COSMOS_KEY },
    tokens: {
      encryptionKeys: v.TOKEN_ENCRYPTION_KEYS,
      cookieSecret: v.COOKIE_SECRET,
      accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: v.REFRESH_TOKEN_TTL_SECONDS,
      refreshTokenGraceSeconds: v.REFRESH_TOKEN_GRACE_SECONDS,
    },
    mcpExtension: {
      url: v.MCP_EXTENSION_URL ?? `${v.GATEWAY_BASE_URL}/runtime/webhooks/mcp`,
      key: v.MCP_EXTENSION_KEY,
    },
    registration: {
      redirectUriAllowlist: v.REDIRECT_URI_ALLOWLIST,
      clientNameAllowlist: v.CLIENT_NAME_ALLOWLIST,
      cimdAllowLoopback: v.CIMD_ALLOW_LOOPBACK,
      unusedClientTtlSeconds: v.DCR_UNUSED_CLIENT_TTL_SECONDS,
    },
    groupPermissions: v.GROUP_PERMISSIONS,
    rateLimits: {
      registerPerMinute: v.RATE_LIMIT_REGISTER_PER_MINUTE,
      authorizePerMinute: v.RATE_LIMIT_AUTHORIZE_PER_MINUTE,
      tokenPerMinute: v.RATE_LIMIT_TOKEN_PER_MINUTE,
      trustedProxyHops: v.TRUSTED_PROXY_HOPS,
    },
  };
}
