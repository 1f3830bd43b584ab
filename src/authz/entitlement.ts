import { TOOL_REQUIREMENTS } from '../tools/requirements-table.js';
import { authorize, type GroupPermissionMap, type ToolRequirements } from './requirements.js';

/** The user as the entitlement check sees them (from the validated Entra sign-in or token). */
export interface EntitledUser {
  roles: readonly string[];
  groups: readonly string[];
}

/**
 * The scopes of `requested` this user can use: a scope that some tool needs is kept only when the
 * user meets the role or group-permission requirement of at least one tool that needs it; a scope
 * no tool names (`mcp:tools` for `whoami`) is kept for everyone.
 *
 * Why: MCP clients ask for the scopes the 401 challenge names, and the challenge names every scope the
 * server offers (`mcp:tools mcp:admin`), because clients such as mcp-remote 0.15 cannot step up later
 * (they sign in again with their first scope). So the gateway grants what the *user* can use, not
 * everything the client asked: `adele` (MCP.User) gets `mcp:tools`, `admin` (MCP.Admin) both. The
 * consent page says so; the token response's `scope` says what was granted (RFC 6749 §5.1).
 */
export function entitledScopes(
  requested: readonly string[],
  user: EntitledUser,
  groupPermissions: GroupPermissionMap,
  table: Readonly<Record<string, ToolRequirements>> = TOOL_REQUIREMENTS,
): string[] {
  const mappedPermissions = new Set(Object.values(groupPermissions).flat());
  // No `groups` claim: none, or Entra's overage (over 200 groups), which the tools resolve through Graph
  // only when called. Then a permission some group is mapped to may still be the user's: keep the scope,
  // and let the tool decide (it checks the user on every call, whatever the scope says).
  const groupsUnknown = user.groups.length === 0;
  return requested.filter((scope) => {
    const needing = Object.values(table).filter((requires) => requires.scopes?.includes(scope));
    if (needing.length === 0) return true;
    return needing.some(
      (requires) =>
        // Judge only the user's side: pretend the session has the scopes, so the decision is about roles.
        authorize({ scopes: requires.scopes ?? [], roles: user.roles, groups: user.groups }, requires, groupPermissions).allowed ||
        (groupsUnknown && (requires.permissions ?? []).some((p) => mappedPermissions.has(p))),
    );
  });
}
