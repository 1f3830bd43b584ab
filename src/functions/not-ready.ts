import { app, type HttpResponseInit } from '@azure/functions';
import { describeNotReady, NOT_READY_RETRY_AFTER_SECONDS } from '../config/not-ready.js';
import { oauthErrorResponse } from '../http/respond.js';
import { TemporarilyUnavailableError } from '../oauth/errors.js';
import { registerTools } from './tools.js';

/**
 * What the app registers instead of the gateway when it cannot start (src/index.ts): one catch-all route that
 * answers every path, `/health` included, with 503 and why; and the same MCP tools, refusing. The tools stay
 * registered because the Functions host loads an extension from the bundle only when a function uses its
 * bindings: without an `mcpToolTrigger` the MCP extension would not start and not create the `mcp_extension`
 * system key, which scripts/postdeploy copies into the very setting that may be missing. The host's own routes
 * (`/admin/...`, `/runtime/webhooks/...`) are matched before any function route, so the catch-all hides none.
 */
export function registerNotReadyFunctions(error: unknown): void {
  const notReady = describeNotReady(error);
  console.error(notReady.log);

  const response = (): HttpResponseInit =>
    oauthErrorResponse(new TemporarilyUnavailableError(notReady.description), { 'Retry-After': String(NOT_READY_RETRY_AFTER_SECONDS) });
  app.http('not-ready', {
    route: '{*path}',
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
    authLevel: 'anonymous',
    handler: async () => response(),
  });
  registerTools(() => async () => `The gateway is not ready: ${notReady.description}`);
}
