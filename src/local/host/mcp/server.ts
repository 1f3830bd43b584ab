import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type JSONRPCMessage,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { LoadedApp } from '../app-loader.js';
import type { HostSettings } from '../host-json.js';
import type { HostLog } from '../invoke.js';
import { callTool, type McpConnection } from './tool-call.js';
import { findTool, missingRequired, toListedTool, type McpTool } from './tools.js';

export interface McpServerDeps {
  app: LoadedApp;
  tools: McpTool[];
  settings: HostSettings['mcp'];
  log: HostLog;
}

/**
 * A JSON-RPC error whose message reaches the client verbatim. The SDK's `McpError` would prefix
 * "MCP error <code>: ", which the extension's messages do not have.
 */
class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const invalidParams = -32602;
const methodNotFound = -32601;

/** The protocol versions the extension's MCP SDK echoes back; anything else is answered with the newest. */
const extensionProtocolVersions = ['2024-11-05', '2025-03-26', '2025-06-18'];
const extensionLatestVersion = '2025-06-18';

/**
 * One MCP server as the extension runs it: its server info and capabilities, its tools, its errors.
 * `connection` is read when a tool is called (with the request's JSON-RPC id, which the shared
 * streamable server maps to its POST), so SSE sees `clientinfo` from `initialize`.
 */
// `Server` is the SDK's low-level server, deprecated for application code in favour of `McpServer`; a
// host that reproduces another server's exact wire behaviour is the case it remains for.
export function createMcpServer(deps: McpServerDeps, connection: (requestId?: RequestId) => Omit<McpConnection, 'clientInfo'>): Server {
  const { settings } = deps;
  const server = new Server(
    { name: settings.serverName, version: settings.serverVersion },
    { capabilities: { logging: {}, prompts: {}, resources: {}, tools: {} }, ...(settings.instructions && { instructions: settings.instructions }) },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: deps.tools.map(toListedTool) as never }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args } = request.params;
    const tool = findTool(deps.tools, name);
    if (!tool) throw new JsonRpcError(invalidParams, `Unknown tool: '${name}'`);
    const missing = missingRequired(tool, args);
    if (missing.length > 0) {
      throw new JsonRpcError(invalidParams, `One or more required tool properties are missing values. Please provide: ${missing.join(', ')}`);
    }
    const caller = connection(extra.requestId);
    // Only SSE has a session whose `initialize` names the client; a streamable POST never carries one.
    const clientInfo = caller.transportName === 'http-sse' ? server.getClientVersion() : undefined;
    return callTool(deps.app, tool, name, args, { ...caller, clientInfo }, deps.log);
  });
  // The extension advertises prompts and resources; with none registered, the lists are empty.
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: [] }));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources: [] }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: [] }));
  server.fallbackRequestHandler = async (request) => {
    throw new JsonRpcError(methodNotFound, `Method '${request.method}' is not available.`);
  };
  return server;
}

/**
 * The SDK echoes any version it supports (including newer ones the extension does not know); rewriting
 * an `initialize` request's version first makes the answer the extension's.
 */
export function withExtensionProtocolVersion(message: JSONRPCMessage): JSONRPCMessage {
  if (!('method' in message) || message.method !== 'initialize' || !message.params) return message;
  const requested = message.params.protocolVersion;
  if (typeof requested === 'string' && extensionProtocolVersions.includes(requested)) return message;
  return { ...message, params: { ...message.params, protocolVersion: extensionLatestVersion } };
}
