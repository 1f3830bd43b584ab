// `@azure/functions` is a bundled CommonJS module: Node's ES-module loader detects only some of its
// exports by name (`app`, but not `arg`, `McpToolResponse` or `McpTextContent`), so a named import of
// those fails at load time under the real worker and `npm start` (jest's loader hides this). The
// default export is the whole `module.exports`, which has them all.
import functions from '@azure/functions';

export const { arg, McpTextContent, McpToolResponse } = functions;

import type { Args } from '@azure/functions';
import type { ToolArg } from './define.js';

/** A tool's plain argument list as the `toolProperties` that `app.mcpTool` takes. */
export function toolPropertiesOf(args: Readonly<Record<string, ToolArg>> = {}): Args {
  return Object.fromEntries(
    Object.entries(args).map(([name, spec]) => {
      const described = arg[spec.type]().describe(spec.description);
      return [name, spec.optional ? described.optional() : described];
    }),
  );
}
