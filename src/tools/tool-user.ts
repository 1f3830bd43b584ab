import { permissionsOf, type GroupPermissionMap } from '../authz/requirements.js';
import type { EntraTokenValidator } from '../entra/jwt.js';
import { InvalidTokenError } from '../oauth/errors.js';
import { resolveToolUser, ToolAuthError, ToolSessionUnavailableError, type ToolContextDeps } from '../mcp/tool-context.js';
import { EntraFailureError, NotSignedInError } from './errors.js';
import type { EntraUser } from '../entra/user.js';
import type { GroupMembershipResolver } from './group-membership.js';

/**
 * The caller of a tool, verified inside the tool. The gateway's session header names the grant and
 * `resolveToolUser` returns its current Entra token; the tool does not take that on trust: the token is
 * validated again here (RS256 signature against Entra's keys, issuer, audience = the gateway's API,
 * expiry, tenant allow-list), and it must be the same user the session names. Roles and groups come
 * from this validated token, not from the grant's copy made at sign-in, so a role removed in Entra stops
 * working once the token is renewed. `oid` is the user id everywhere (Entra's `sub` is per-app).
 */
export interface VerifiedToolUser extends EntraUser {
  /** Granted through group membership by GROUP_PERMISSIONS. */
  permissions: string[];
  /** The MCP client of the session. */
  clientId: string;
  /** Gateway scopes of the session (`mcp:tools`, `mcp:admin`). */
  scopes: string[];
  /** The gateway grant behind the session (absent for a direct Entra token), to end it when Entra requires a new sign-in. */
  grantId?: string;
  /**
   * The validated Entra access token, for on-behalf-of only. A method, not a field, so that logging or
   * serialising this object can never include it.
   */
  assertion(): string;
}

export interface ToolUserDeps {
  session: ToolContextDeps;
  entraTokens: EntraTokenValidator;
  groupPermissions: GroupPermissionMap;
  /** Resolves GROUP_PERMISSIONS' groups through Graph when the token has group overage (absent: none granted). */
  groupMembership?: GroupMembershipResolver;
  /** For the overage lookup's failure (never a token). */
  warn?: (message: string) => void;
}

/** Throws `NotSignedInError` (safe to show) unless the invocation carries a valid session for a valid user. */
export async function verifyToolUser(toolArgument: unknown, deps: ToolUserDeps): Promise<VerifiedToolUser> {
  const user = await resolveToolUser(toolArgument, deps.session).catch((err: unknown) => {
    if (err instanceof ToolSessionUnavailableError) throw new EntraFailureError('entra_unavailable', err.message);
    throw new NotSignedInError(err instanceof ToolAuthError ? err.message : 'The MCP session could not be verified; reconnect and sign in again.');
  });
  const token = await user.entraAccessToken().catch((err: unknown) => {
    if (err instanceof ToolSessionUnavailableError) throw new EntraFailureError('entra_unavailable', err.message);
    throw new NotSignedInError(err instanceof ToolAuthError ? err.message : 'The sign-in session cannot provide an Entra ID token; sign in again.');
  });
  let claims;
  try {
    claims = await deps.entraTokens.validate(token);
  } catch (err) {
    const why = err instanceof InvalidTokenError ? ` ${err.description}` : '';
    throw new NotSignedInError(`The session's Entra ID token was not accepted by the tool.${why} Reconnect and sign in again.`);
  }
  if (claims.oid !== user.oid || claims.tid !== user.tid) {
    throw new NotSignedInError('The session and its Entra ID token name different users; reconnect and sign in again.');
  }
  const groups = claims.groupsOverage ? await overageGroups(claims, token, deps) : claims.groups;
  return {
    oid: claims.oid,
    tid: claims.tid,
    name: claims.name ?? user.name,
    username: claims.username ?? user.username,
    roles: claims.roles,
    groups,
    permissions: permissionsOf(groups, deps.groupPermissions),
    clientId: user.clientId,
    scopes: user.scopes,
    ...(user.grantId ? { grantId: user.grantId } : {}),
    assertion: () => token,
  };
}

/**
 * Group overage: the token lists no groups, so GROUP_PERMISSIONS' groups are checked through Graph
 * (`GroupMembershipResolver`). Only those groups are returned; a failed lookup grants nothing.
 */
async function overageGroups(user: { oid: string; tid: string }, token: string, deps: ToolUserDeps): Promise<string[]> {
  const configured = Object.keys(deps.groupPermissions);
  if (configured.length === 0 || !deps.groupMembership) return [];
  try {
    return await deps.groupMembership.memberOf({ oid: user.oid, tid: user.tid }, token, configured);
  } catch (err) {
    deps.warn?.(
      `group overage for user ${user.oid}: Graph checkMemberGroups failed (${err instanceof Error ? err.name : 'error'}: ${err instanceof Error ? err.message : ''}); no group permissions granted`,
    );
    return [];
  }
}
