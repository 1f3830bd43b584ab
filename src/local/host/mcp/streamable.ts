import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isInitializeRequest, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { readBody } from '../request-body.js';
import { createMcpServer, withExtensionProtocolVersion, type McpServerDeps } from './server.js';
import { accepts, createId, eventStreamHeaders, formatClientState, headersForTool, headerValue, parseClientState, writeJsonRpcError } from './http-util.js';

export interface StreamableDeps extends McpServerDeps {
  instanceId: string;
}

/**
 * `/runtime/webhooks/mcp`: streamable HTTP, stateless, POST only, always answered as an event stream.
 * The extension's checks run here in its order (method, Accept, session header, body); the SDK's
 * stateless transport then frames the exchange. Its own checks (Content-Type, session and protocol
 * headers) are stricter than the extension's, so it sees a request with those normalised.
 */
export async function handleStreamable(deps: StreamableDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405).end(); // no Allow header, as the extension
    return;
  }
  const accept = headerValue(req, 'accept');
  if (!accepts(accept, 'application/json') || !accepts(accept, 'text/event-stream')) {
    writeJsonRpcError(res, 406, 'Not Acceptable: Client must accept both application/json and text/event-stream');
    return;
  }
  const sessionId = headerValue(req, 'mcp-session-id') || undefined;
  if (sessionId !== undefined && !parseClientState(sessionId)) {
    writeJsonRpcError(res, 400, 'Invalid client state.');
    return;
  }
  const message = await readMessage(req, res);
  if (!message) return;
  const newSessionId = isInitializeRequest(message) && !sessionId ? formatClientState(createId(), deps.instanceId) : undefined;
  await answer(deps, req, res, url, message, { sessionId, newSessionId });
}

/** Parses the body; answers the failure itself and returns undefined when there is no message. */
async function readMessage(req: IncomingMessage, res: ServerResponse): Promise<JSONRPCMessage | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readBody(req)).toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (parsed === null) {
    writeJsonRpcError(res, 400, 'Bad Request: The POST body did not contain a valid JSON-RPC message.');
    return undefined;
  }
  // Unparseable JSON, a batch or a non-message is an unhandled exception in the extension (inferred: 500).
  const message = Array.isArray(parsed) ? undefined : JSONRPCMessageSchema.safeParse(parsed);
  if (!message?.success) {
    res.writeHead(500).end();
    return undefined;
  }
  return withExtensionProtocolVersion(message.data);
}

interface Session {
  sessionId?: string;
  newSessionId?: string;
}

async function answer(deps: StreamableDeps, req: IncomingMessage, res: ServerResponse, url: URL, message: JSONRPCMessage, session: Session): Promise<void> {
  const headers = headersForTool(req);
  const server = createMcpServer(deps, () => ({ transportName: 'http-streamable', headers, sessionId: session.sessionId }));
  // keepAliveMs 0: the extension writes no keep-alive comments on these short-lived streams.
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, keepAliveMs: 0 });
  await server.connect(transport);
  const sdkRequest = new Request(url, {
    method: 'POST',
    headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
  });
  const response = await transport.handleRequest(sdkRequest, { parsedBody: message });
  if (response.status === 200) {
    res.writeHead(200, { ...eventStreamHeaders, ...(session.newSessionId && { 'Mcp-Session-Id': session.newSessionId }) });
  } else {
    res.writeHead(response.status, Object.fromEntries(response.headers));
  }
  res.flushHeaders();
  await relay(response, res);
  await server.close();
}

/** Copies the SDK's stream to the client chunk by chunk; stops if the client goes away. */
async function relay(response: Response, res: ServerResponse): Promise<void> {
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => void reader.cancel().catch(() => undefined);
  res.on('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
  } catch {
    // cancelled because the client left
  } finally {
    res.off('close', onClose);
    res.end();
  }
}
