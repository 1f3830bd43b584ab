import type { ToolRequirements } from '../authz/requirements.js';
import type { ToolDeps, ToolCall, ToolOutput } from './tool.js';

/**
 * One argument of a tool, as plain data. The registration (`src/functions/tools.ts`) turns it into the
 * `@azure/functions` builder (`arg.string().describe(…)`), so a tool file never imports
 * `@azure/functions`: `import { arg } from '@azure/functions'`, as Azure's samples write it, compiles
 * but fails at load time under Node's ES-module loader ("Named export 'arg' not found"), because the
 * library is CommonJS and only some of its exports are detected by name.
 */
export interface ToolArg {
  type: 'string' | 'number' | 'boolean';
  description: string;
  /** Arguments are required unless marked optional (the extension checks required ones are present). */
  optional?: boolean;
}

/** A tool as its file declares it; `defineTool` checks the shape. See docs/add-a-tool.md. */
export interface ToolDefinition {
  /** The MCP tool name (`snake_case`), unique in this app. */
  name: string;
  description: string;
  args?: Readonly<Record<string, ToolArg>>;
  /** What the caller needs: scopes of the session, and app roles or group permissions of the user. */
  requires: ToolRequirements;
  /** The downstream API and delegated permission the tool uses, named in consent errors. */
  downstream?: { api: string; permission: string };
  /** Runs only for a verified, authorized user; throws to fail (see src/tools/errors.ts). */
  run(call: ToolCall, deps: ToolDeps): Promise<ToolOutput>;
}

/** Declares a tool. Register it with one line in `src/tools/registry.ts`. */
export function defineTool(tool: ToolDefinition): ToolDefinition {
  return tool;
}
