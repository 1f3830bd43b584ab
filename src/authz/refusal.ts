import type { AuthzDecision } from './requirements.js';

const quoted = (items: readonly string[], join = ' or ') => items.map((i) => `"${i}"`).join(join);

/**
 * The sentence a refused user reads: what is missing, and how an administrator grants it. Roles are
 * assigned in Entra ID; permissions come from group membership through GROUP_PERMISSIONS; scopes are
 * what the MCP client asked for when it was authorized.
 */
export function describeRefusal(toolName: string, decision: Extract<AuthzDecision, { allowed: false }>, appId: string): string {
  const parts: string[] = [];
  const { missingScopes, missingRoles, missingPermissions } = decision;
  if (missingRoles.length > 0 || missingPermissions.length > 0) {
    const needs = [
      ...(missingRoles.length > 0 ? [`the app role ${quoted(missingRoles)}`] : []),
      ...(missingPermissions.length > 0 ? [`the permission ${quoted(missingPermissions)}`] : []),
    ].join(', or ');
    const how: string[] = [];
    if (missingRoles.length > 0) {
      how.push(
        `an administrator can assign the role in the Entra admin center: Enterprise applications > the gateway's app (Application ID ${appId}) > Users and groups > Add user/group, choosing the role ${quoted(missingRoles)}`,
      );
    }
    if (missingPermissions.length > 0) {
      how.push(`or add you to a group that the gateway's GROUP_PERMISSIONS setting maps to ${quoted(missingPermissions)}`);
    }
    parts.push(
      `You are not allowed to use ${toolName}: it needs ${needs}. To get access, ${how.join(', ')}. ` +
        'The change applies when your Entra ID token is next renewed (within an hour) or after you sign in again.',
    );
  }
  if (missingScopes.length > 0) {
    parts.push(
      `This MCP session was not authorized for the scope ${quoted(missingScopes, ' and ')} that ${toolName} needs. ` +
        `Reconnect the MCP client and authorize it with scope "${['mcp:tools', ...missingScopes].join(' ')}".`,
    );
  }
  return parts.join(' ');
}
