import { app, type InvocationContext, type McpToolResponse } from '@azure/functions';
import type { Deps } from '../deps.js';
import { toolPropertiesOf } from '../tools/functions-runtime.js';
import { runTool, type ToolDefinition } from '../tools/tool.js';
import { createToolDeps, TOOLS } from '../tools/wiring.js';

/** What one tool answers with; `registerTools` takes one per tool. */
export type ToolHandler = (toolArgument: unknown, context: InvocationContext) => Promise<McpToolResponse | string>;

/**
 * The MCP tools (`app.mcpTool`), one registration each; the logic is in src/tools/. Each tool's
 * requirements are also published in its `_meta` (`gateway/requires`), so a client or the gateway can
 * see before calling which scope, app role or permission it needs.
 */
export function registerToolFunctions(deps: Deps): void {
  const toolDeps = createToolDeps(deps);
  registerTools((tool) => (toolArgument, context) => runTool(tool, toolDeps, toolArgument, context));
}

/** Registers every tool with the handler `handlerFor` gives it (the not-ready app registers the same tools). */
export function registerTools(handlerFor: (tool: ToolDefinition) => ToolHandler): void {
  for (const tool of TOOLS) {
    app.mcpTool(tool.name, {
      toolName: tool.name,
      description: tool.description,
      // The library refuses a tool without toolProperties; an empty list is a tool without arguments.
      toolProperties: tool.args ? toolPropertiesOf(tool.args) : [],
      metadata: JSON.stringify({ 'gateway/requires': tool.requires }),
      handler: handlerFor(tool),
    });
  }
}
