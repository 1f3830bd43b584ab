import { InvalidScopeError } from './errors.js';

/**
 * The gateway's own scopes: what an MCP client may ask for at /authorize, what the session token
 * carries in `scope`, what the PRM and AS metadata advertise, and what the MCP gateway names in a
 * 401/403 `scope=`. They are the gateway's, not Entra's: upstream the gateway always asks Entra for
 * its one API scope (config.entra.apiScope), whatever the client asked here.
 */

/** Call the MCP tools any signed-in user may call. */
export const SCOPE_TOOLS = 'mcp:tools';
/** Call administrative tools; the user must also hold the MCP.Admin app role (scope alone is not enough). */
export const SCOPE_ADMIN = 'mcp:admin';

/** Advertised in `scopes_supported`, in this order. */
export const SUPPORTED_SCOPES: readonly string[] = [SCOPE_TOOLS, SCOPE_ADMIN];

/** Granted when a client asks for no scope (and named in the 401 challenge). */
export const DEFAULT_SCOPES: readonly string[] = [SCOPE_TOOLS];

/**
 * Scopes some clients add out of OIDC habit (VS Code and others send `offline_access`; Claude.ai sent
 * its own name). Refusing them would break those clients for no gain: the gateway always issues a
 * refresh token and never an ID token, so they are accepted and dropped.
 */
const IGNORED_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/** Splits a space-separated `scope` parameter into distinct values (RFC 6749 §3.3). */
export function parseScope(value: string | undefined | null): string[] {
  if (!value) return [];
  return [...new Set(value.split(' ').filter((s) => s.length > 0))];
}

/** Joins scopes for the wire (`scope` parameter, token claim, `scope=` in a challenge). */
export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/**
 * The scopes to grant for a request's `scope` parameter: the supported ones it names, minus the
 * ignored OIDC ones, or the defaults when it names none. Throws `InvalidScopeError` naming any unknown
 * scope and listing the supported ones (at authorize, RFC 6749 §4.1.2.1).
 */
export function resolveRequestedScopes(value: string | undefined | null): string[] {
  const requested = parseScope(value).filter((s) => !IGNORED_SCOPES.has(s));
  const unknown = requested.filter((s) => !SUPPORTED_SCOPES.includes(s));
  if (unknown.length > 0) {
    throw new InvalidScopeError(`Unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}. This server supports: ${formatScope(SUPPORTED_SCOPES)}.`);
  }
  return requested.length > 0 ? SUPPORTED_SCOPES.filter((s) => requested.includes(s)) : [...DEFAULT_SCOPES];
}

/**
 * The scopes to record for a registering client: the supported ones it names, or all supported
 * scopes when it names none of them. Unlike at authorize, unknown names are dropped rather than
 * refused: RFC 7591 §2 lets the server replace requested metadata, and some clients register a
 * product name as their scope.
 */
export function registrableScopes(value: string | undefined | null): string[] {
  const known = SUPPORTED_SCOPES.filter((s) => parseScope(value).includes(s));
  return known.length > 0 ? known : [...SUPPORTED_SCOPES];
}

/** True when every scope in `required` is in `granted`. */
export function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((s) => granted.includes(s));
}
