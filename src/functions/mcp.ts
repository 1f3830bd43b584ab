import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import type { Deps } from '../deps.js';
import { createMcpHandlerFromDeps } from '../mcp/wiring.js';
import { isBrowserNavigation, renderMcpEndpointPage } from '../site/mcp-endpoint-page.js';

/**
 * The MCP endpoints: `/mcp` (streamable HTTP) and `/mcp/sse` + `/mcp/message` (legacy SSE). Two
 * registrations — the exact `mcp` and the catch-all `mcp/{*path}` — send *every* path under /mcp, in
 * any letter case, to one handler, which accepts only the exact protected paths (deny by default) and
 * authenticates before forwarding to the MCP extension. `anonymous` because the gateway authenticates
 * with its own tokens; the extension behind it needs its system key, which only the gateway holds.
 */
export function registerMcpFunctions(deps: Deps): void {
  const handle = createMcpHandlerFromDeps(deps);
  const handler = async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    // Only an error's kind and message reach the log (they never hold a token); not its stack or cause.
    const log = (message: string, error: unknown) => context.error(message, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    const response = await handle(request, log);
    if (response.status === 401 && isBrowserNavigation(request)) {
      // Same 401 and challenge; a page for the person instead of JSON.
      const page = renderMcpEndpointPage(deps.config.baseUrl);
      for (const [name, value] of Object.entries(page.headers)) response.headers.set(name, value);
      return { status: 401, headers: response.headers, body: page.body };
    }
    return { status: response.status, headers: response.headers, body: response.body };
  };
  const methods = ['GET', 'POST', 'DELETE'] as const;
  app.http('mcp', { route: 'mcp', methods: [...methods], authLevel: 'anonymous', handler });
  app.http('mcp-paths', { route: 'mcp/{*path}', methods: [...methods], authLevel: 'anonymous', handler });
}
