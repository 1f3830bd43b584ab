import type { ToolRequirements } from '../authz/requirements.js';
import type { ToolDefinition } from './define.js';
import * as registry from './registry.js';

/** Every registered tool (`registry.ts`), in the order `tools/list` shows them. */
export const TOOLS: readonly ToolDefinition[] = Object.values(registry);

/**
 * What each tool requires of its caller, by tool name, from the tools' own declarations. The MCP gateway
 * reads it for its 403 step-up (`src/mcp/step-up.ts`) and the scopes a user is entitled to
 * (`src/authz/entitlement.ts`); the tools publish it in `tools/list` as `_meta["gateway/requires"]`.
 */
export const TOOL_REQUIREMENTS: Readonly<Record<string, ToolRequirements>> = Object.fromEntries(TOOLS.map((tool) => [tool.name, tool.requires]));
