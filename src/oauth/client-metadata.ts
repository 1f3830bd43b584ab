import * as z from 'zod';
import { GRANT_TYPES, RESPONSE_TYPES, TOKEN_ENDPOINT_AUTH_METHODS, type ClientMetadata, type TokenEndpointAuthMethod } from './client.js';
import { InvalidClientMetadataError, InvalidRedirectUriError } from './errors.js';
import { isLoopbackHost, validateRedirectUris } from './redirect-uri.js';
import { formatScope, registrableScopes } from './scopes.js';

/**
 * Client metadata (RFC 7591 §2) as a client sends it, at /register or in a client ID metadata
 * document. Unknown members are dropped, as RFC 7591 §2 requires. `redirect_uris` is checked by the
 * redirect URI rules rather than here, so its errors carry `invalid_redirect_uri`.
 */
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  } catch {
    return false;
  }
}

const webUrl = z.string().max(2000, 'must be at most 2000 characters').refine(isWebUrl, 'must be an https URL (http only on loopback)');

export const ClientMetadataInputSchema = z.object({
  redirect_uris: z.unknown().optional(),
  token_endpoint_auth_method: z.string().optional(),
  grant_types: z.array(z.string()).max(10, 'must have at most 10 entries').optional(),
  response_types: z.array(z.string()).max(10, 'must have at most 10 entries').optional(),
  scope: z.string().max(1000, 'must be at most 1000 characters').optional(),
  client_name: text(200).optional(),
  client_uri: webUrl.optional(),
  logo_uri: webUrl.optional(),
  tos_uri: webUrl.optional(),
  policy_uri: webUrl.optional(),
  contacts: z.array(text(320)).max(10, 'must have at most 10 entries').optional(),
  software_id: text(200).optional(),
  software_version: text(100).optional(),
  application_type: z.enum(['web', 'native'], { message: 'must be "web" or "native"' }).optional(),
});

export interface MetadataPolicy {
  /** The method when the client names none (RFC 7591 §2: `client_secret_basic`; CIMD: `none`). */
  defaultAuthMethod: TokenEndpointAuthMethod;
  /** The methods this kind of client may use. */
  allowedAuthMethods: readonly TokenEndpointAuthMethod[];
  /** Operator allow-lists (config.registration); each is off when empty. */
  redirectUriAllowlist: readonly string[];
  clientNameAllowlist: readonly string[];
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ');
}

function checkSubset(field: string, values: readonly string[], supported: readonly string[]): void {
  const unsupported = values.filter((v) => !supported.includes(v));
  if (unsupported.length > 0) {
    throw new InvalidClientMetadataError(
      `${field} contains unsupported value(s) ${unsupported.map((v) => `"${v.slice(0, 64)}"`).join(', ')}; supported: ${supported.join(', ')}.`,
    );
  }
}

function checkClientName(name: string | undefined, allowlist: readonly string[]): void {
  if (allowlist.length === 0) return;
  const lower = name?.toLowerCase();
  if (!lower || !allowlist.some((allowed) => lower.includes(allowed.toLowerCase()))) {
    throw new InvalidClientMetadataError(
      `client_name ${name ? `"${name}"` : '(missing)'} is not allowed by this server's policy; accepted client names contain one of: ${allowlist.join(', ')}.`,
    );
  }
}

/**
 * `application_type` (OpenID Connect Dynamic Client Registration §2, which MCP clients send): a `web`
 * client's redirect URIs are https, or http on loopback as native clients use, never a private-use
 * scheme (a web application cannot receive one). A `native` client's are loopback URLs and private-use
 * schemes — and https too, because VS Code registers as `native` with its https relay
 * (`https://vscode.dev/redirect`) beside its loopback URIs. Absent: both kinds are accepted (most MCP
 * clients do not send it), under the general redirect URI rules.
 */
function checkApplicationType(type: 'web' | 'native' | undefined, redirectUris: readonly string[]): void {
  if (type !== 'web') return;
  for (const uri of redirectUris) {
    const { protocol } = new URL(uri);
    if (protocol !== 'https:' && protocol !== 'http:') {
      throw new InvalidRedirectUriError(
        `The redirect URI "${uri.slice(0, 200)}" uses a private-use scheme, which a web application cannot receive; register it with application_type "native".`,
      );
    }
  }
}

function authMethod(value: string | undefined, policy: MetadataPolicy): TokenEndpointAuthMethod {
  const method = value ?? policy.defaultAuthMethod;
  const allowed = policy.allowedAuthMethods.filter((m) => (TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(m));
  if (!(allowed as readonly string[]).includes(method)) {
    throw new InvalidClientMetadataError(`token_endpoint_auth_method "${method.slice(0, 64)}" is not supported here; use one of: ${allowed.join(', ')}.`);
  }
  return method as TokenEndpointAuthMethod;
}

/** Fields that only describe the client (shown on the consent page), copied when present. */
const DESCRIPTIVE_FIELDS = ['client_name', 'client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'contacts', 'software_id', 'software_version'] as const;

function descriptiveFields(input: z.output<typeof ClientMetadataInputSchema>): Partial<ClientMetadata> {
  const out: Partial<ClientMetadata> = {};
  for (const field of DESCRIPTIVE_FIELDS) {
    if (input[field] !== undefined) Object.assign(out, { [field]: input[field] });
  }
  return out;
}

/**
 * Validates client metadata and returns what will be registered. Throws `InvalidClientMetadataError`
 * or `InvalidRedirectUriError` saying what is wrong and what is accepted.
 *
 * Defaults: `grant_types` is both supported grants when omitted (RFC 7591's default is
 * `authorization_code` only, but this server always issues refresh tokens and §3.2.1 lets it register
 * different values than asked); `response_types` is `code`; `scope` keeps the supported scopes named,
 * or all of them (see `registrableScopes`).
 */
export function parseClientMetadata(input: unknown, policy: MetadataPolicy): ClientMetadata {
  const parsed = ClientMetadataInputSchema.safeParse(input);
  if (!parsed.success) throw new InvalidClientMetadataError(`Invalid client metadata: ${describeIssues(parsed.error)}.`);
  const m = parsed.data;
  const redirectUris = validateRedirectUris(m.redirect_uris, policy.redirectUriAllowlist);
  checkApplicationType(m.application_type, redirectUris);
  const grantTypes = m.grant_types ? [...new Set(m.grant_types)] : [...GRANT_TYPES];
  checkSubset('grant_types', grantTypes, GRANT_TYPES);
  if (!grantTypes.includes('authorization_code')) {
    throw new InvalidClientMetadataError('grant_types must include "authorization_code", the only way this server issues tokens.');
  }
  const responseTypes = m.response_types ? [...new Set(m.response_types)] : [...RESPONSE_TYPES];
  checkSubset('response_types', responseTypes, RESPONSE_TYPES);
  if (!responseTypes.includes('code')) {
    throw new InvalidClientMetadataError('response_types must include "code" when grant_types includes "authorization_code" (RFC 7591 §2.1).');
  }
  checkClientName(m.client_name, policy.clientNameAllowlist);
  return {
    redirect_uris: redirectUris,
    token_endpoint_auth_method: authMethod(m.token_endpoint_auth_method, policy),
    grant_types: grantTypes,
    response_types: responseTypes,
    scope: formatScope(registrableScopes(m.scope)),
    ...(m.application_type ? { application_type: m.application_type } : {}),
    ...descriptiveFields(m),
  };
}
