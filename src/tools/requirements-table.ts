import type { ToolRequirements } from '../authz/requirements.js';
import { SCOPE_ADMIN, SCOPE_TOOLS } from '../oauth/scopes.js';

/**
 * What each tool requires of its caller: the one source of truth. The tool definitions take their
 * `requires` from here (and publish it in `tools/list` as `_meta["gateway/requires"]`), and the MCP
 * gateway reads the scopes from here for its 403 step-up (`src/mcp/step-up.ts`). Kept apart from the
 * tools themselves so the gateway does not load `@azure/functions`, Graph or MSAL to read a table.
 */

/** The app role of administrators (assigned in Entra: Enterprise applications → Users and groups). */
const ADMIN_ROLE = 'MCP.Admin';
const USER_ROLE = 'MCP.User';

export const TOOL_REQUIREMENTS = {
  whoami: { scopes: [SCOPE_TOOLS] },
  get_graph_user_details: { scopes: [SCOPE_TOOLS], roles: [USER_ROLE, ADMIN_ROLE] },
  list_clients: { scopes: [SCOPE_ADMIN], roles: [ADMIN_ROLE], permissions: ['clients.read'] },
  revoke_client: { scopes: [SCOPE_ADMIN], roles: [ADMIN_ROLE], permissions: ['clients.revoke'] },
} as const satisfies Readonly<Record<string, ToolRequirements>>;

export type ToolName = keyof typeof TOOL_REQUIREMENTS;
