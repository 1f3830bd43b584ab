import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoadedApp } from './app-loader.js';
import type { HostSettings } from './host-json.js';
import { findHttpFunction, pathSegments, type HttpFunction } from './http-functions.js';
import { serveHttpTrigger } from './http-trigger.js';
import { requestUrl } from './request-url.js';
import { describe, type HostLog } from './invoke.js';
import { authorizesFunction, authorizesMcpExtension, presentedKey, type HostKeys } from './keys.js';
import type { SseSessions } from './mcp/sse.js';
import { handleStreamable } from './mcp/streamable.js';
import type { McpTool } from './mcp/tools.js';

/** Everything one running host serves. */
export interface HostRuntime {
  app: LoadedApp;
  settings: HostSettings;
  httpFunctions: HttpFunction[];
  tools: McpTool[];
  keys?: HostKeys;
  log: HostLog;
  instanceId: string;
  sse: SseSessions;
}

const mcpWebhook = ['runtime', 'webhooks', 'mcp'];

export function createRequestListener(runtime: HostRuntime): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(runtime, req, res).catch((error: unknown) => {
      runtime.log('error', `Request to ${req.method} ${pathOnly(req.url)} failed: ${describe(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  };
}

async function route(runtime: HostRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = requestUrl(req, `http://${req.headers.host ?? 'localhost'}`);
  const path = pathSegments(url.pathname);
  if (isUnder(path, mcpWebhook)) return routeMcp(runtime, path, req, res, url);
  const match = findHttpFunction(runtime.httpFunctions, path, req.method ?? 'GET');
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  if (!authorizesFunction(runtime.keys, match.target.authLevel, presentedKey(req, url))) {
    res.writeHead(401).end();
    return;
  }
  await serveHttpTrigger(runtime, match, req, res, url);
}

/** The extension's webhooks: a last segment ending in `sse` or `message` is legacy SSE, the rest streamable HTTP. */
async function routeMcp(runtime: HostRuntime, path: string[], req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const key = presentedKey(req, url);
  if (!authorizesMcpExtension(runtime.keys, key)) {
    res.writeHead(401).end();
    return;
  }
  const deps = { app: runtime.app, tools: runtime.tools, settings: runtime.settings.mcp, log: runtime.log, instanceId: runtime.instanceId };
  const last = (path[path.length - 1] ?? '').toLowerCase();
  if (last.endsWith('sse')) return runtime.sse.open({ ...deps, presentedKey: key }, req, res);
  if (last.endsWith('message')) return runtime.sse.post(deps, req, res, url);
  return handleStreamable(deps, req, res, url);
}

function isUnder(path: string[], prefix: string[]): boolean {
  return prefix.every((segment, i) => path[i]?.toLowerCase() === segment);
}

/** Request paths are logged without their query, which may carry a key (`code`). */
function pathOnly(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}
