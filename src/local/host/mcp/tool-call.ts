import { randomUUID } from 'node:crypto';
import type { CallToolResult, Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { LoadedApp } from '../app-loader.js';
import type { RpcTypedData } from '../functions-core.cjs';
import { invoke, type HostLog } from '../invoke.js';
import type { McpTool } from './tools.js';

/** What the transport knows about the caller, handed to the tool as the extension does. */
export interface McpConnection {
  transportName: 'http-streamable' | 'http-sse';
  /** Request headers as the tool sees them (for SSE, the GET's). */
  headers: Record<string, string>;
  /** The `Mcp-Session-Id` header of that request, when present. */
  sessionId?: string;
  clientInfo?: Implementation;
}

/**
 * Invokes a tool function with the extension's trigger payload and turns its result into a
 * `CallToolResult`. A failing invocation becomes the extension's generic `isError` result: the
 * exception's message never reaches the client.
 */
export async function callTool(
  app: LoadedApp,
  tool: McpTool,
  requestedName: string,
  args: Record<string, unknown> | undefined,
  connection: McpConnection,
  log: HostLog,
): Promise<CallToolResult> {
  const toolContext = toolContextOf(requestedName, args, connection);
  const json = JSON.stringify(toolContext);
  const input = { inputData: [{ name: tool.triggerName, data: { string: json } }], triggerMetadata: triggerMetadataOf(tool, json, args, connection) };
  try {
    const { response } = await invoke(app, tool.fn, input, log);
    return toCallToolResult(response.returnValue);
  } catch {
    return { content: [{ type: 'text', text: `An error occurred invoking '${requestedName}'.` }], isError: true };
  }
}

/** `{ name, arguments, sessionid, clientinfo, transport }`, nulls omitted (the extension's ToolInvocationContext). */
function toolContextOf(name: string, args: Record<string, unknown> | undefined, c: McpConnection): Record<string, unknown> {
  const transport = { name: c.transportName, ...(c.sessionId && { sessionId: c.sessionId }), properties: { headers: c.headers } };
  return {
    name,
    ...(args && { arguments: args }),
    ...(c.sessionId && { sessionid: c.sessionId }),
    ...(c.clientInfo && { clientinfo: c.clientInfo }),
    transport,
  };
}

/**
 * The binding data the extension's trigger exposes; the library camel-cases it into
 * `context.triggerMetadata`. `mcptoolargs` holds each argument as text (JSON for non-strings).
 */
function triggerMetadataOf(tool: McpTool, json: string, args: Record<string, unknown> | undefined, c: McpConnection): Record<string, RpcTypedData> {
  const metadata: Record<string, RpcTypedData> = {
    mcptoolcontext: { json },
    [tool.triggerName]: { string: json },
    sys: { json: JSON.stringify({ MethodName: tool.fn.metadata.name, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }) },
  };
  if (c.sessionId) metadata.mcpsessionid = { string: c.sessionId };
  if (args) {
    const texts = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    metadata.mcptoolargs = { json: JSON.stringify(texts) };
  }
  return metadata;
}

interface WireToolResult {
  type?: string;
  content?: string;
  structuredContent?: string;
}

/** Reads the library's `toMcpToolResult` wire shape back into content blocks, as the extension's binder does. */
function toCallToolResult(returnValue: RpcTypedData | null | undefined): CallToolResult {
  const text = returnValue?.string ?? returnValue?.json;
  if (text === undefined || text === null) return { content: [] };
  const wire = JSON.parse(text) as WireToolResult;
  if (!wire.type || typeof wire.content !== 'string') throw new Error('Tool result has no type or content');
  const parsed = JSON.parse(wire.content) as unknown;
  const content = (wire.type.toLowerCase() === 'multi_content_result' ? parsed : [parsed]) as CallToolResult['content'];
  if (!Array.isArray(content) || content.length === 0) throw new Error('Tool result has no content');
  const structured = wire.structuredContent === undefined ? undefined : (JSON.parse(wire.structuredContent) as Record<string, unknown>);
  return { content, ...(structured !== undefined && { structuredContent: structured }) };
}
