/**
 * What a tool needs from its caller, and the check. Each tool declares its requirements next to its
 * code; one function decides, so every tool refuses the same way.
 *
 * - `scopes`: gateway scopes (`mcp:tools`, `mcp:admin`) the session must carry, all of them. A scope
 *   is what the MCP *client* was allowed to do for the user at consent; it never stands in for a role.
 * - `roles` / `permissions`: what the *user* must be. The user passes with any one of the listed app
 *   roles (from the validated Entra token) or any one of the listed permissions (granted through group
 *   membership by GROUP_PERMISSIONS). "Any one of" because they are alternatives: an operator who does
 *   not want to hand out `MCP.Admin` can give a helpdesk group just `clients.read`.
 */
export interface ToolRequirements {
  scopes?: readonly string[];
  roles?: readonly string[];
  permissions?: readonly string[];
}

/** The caller as the check sees it (all from validated sources). */
export interface AuthzSubject {
  scopes: readonly string[];
  roles: readonly string[];
  groups: readonly string[];
}

/** GROUP_PERMISSIONS: Entra group object id → permission names. */
export type GroupPermissionMap = Readonly<Record<string, readonly string[]>>;

export type AuthzDecision = { allowed: true } | { allowed: false; missingScopes: string[]; missingRoles: string[]; missingPermissions: string[] };

/**
 * The permissions the user's groups grant. Group ids are GUIDs; Entra emits them lower-case, but an
 * operator may paste them in any case, so both sides are compared lower-cased.
 */
export function permissionsOf(groups: readonly string[], map: GroupPermissionMap): string[] {
  const byGroup = new Map(Object.entries(map).map(([id, perms]) => [id.toLowerCase(), perms]));
  const granted = new Set<string>();
  for (const group of groups) for (const p of byGroup.get(group.toLowerCase()) ?? []) granted.add(p);
  return [...granted].sort();
}

/** Decides whether `subject` may call a tool that declares `requires`. Pure; no I/O. */
export function authorize(subject: AuthzSubject, requires: ToolRequirements, map: GroupPermissionMap): AuthzDecision {
  const missingScopes = (requires.scopes ?? []).filter((s) => !subject.scopes.includes(s));
  const roles = requires.roles ?? [];
  const permissions = requires.permissions ?? [];
  // Role values are case-sensitive in Entra tokens; compare exactly.
  const hasRole = roles.some((r) => subject.roles.includes(r));
  const held = permissionsOf(subject.groups, map);
  const hasPermission = permissions.some((p) => held.includes(p));
  const userOk = (roles.length === 0 && permissions.length === 0) || hasRole || hasPermission;
  if (missingScopes.length === 0 && userOk) return { allowed: true };
  return {
    allowed: false,
    missingScopes,
    missingRoles: userOk ? [] : [...roles],
    missingPermissions: userOk ? [] : [...permissions],
  };
}
