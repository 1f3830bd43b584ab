import { app } from '@azure/functions';
import type { Deps } from '../deps.js';
import { toolPropertiesOf } from '../tools/functions-runtime.js';
import { runTool } from '../tools/tool.js';
import { createToolDeps, TOOLS } from '../tools/wiring.js';

/**
 * The MCP tools (`app.mcpTool`), one registration each; the logic is in src/tools/. Each tool's
 * requirements are also published in its `_meta` (`gateway/requires`), so a client or the gateway can
 * see before calling which scope, app role or permission it needs.
 */
export function registerToolFunctions(deps: Deps): void {
  const toolDeps = createToolDeps(deps);
  for (const tool of TOOLS) {
    app.mcpTool(tool.name, {
      toolName: tool.name,
      description: tool.description,
      // The library refuses a tool without toolProperties; an empty list is a tool without arguments.
      toolProperties: tool.args ? toolPropertiesOf(tool.args) : [],
      metadata: JSON.stringify({ 'gateway/requires': tool.requires }),
      handler: (toolArgument: unknown, context) => runTool(tool, toolDeps, toolArgument, context),
    });
  }
}
