import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInitializeRequest, isJSONRPCRequest, JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { readBody } from '../request-body.js';
import { withExtensionProtocolVersion, type McpServerDeps } from './server.js';
import { statelessServerFor } from './stateless-server.js';
import { accepts, createId, eventStreamHeaders, formatClientState, headersForTool, headerValue, parseClientState, writeJsonRpcError } from './http-util.js';

export interface StreamableDeps extends McpServerDeps {
  instanceId: string;
}

/**
 * `/runtime/webhooks/mcp`: streamable HTTP, stateless, POST only, always answered as an event stream.
 * The extension's checks run here in its order (method, Accept, session header, body); the host's one
 * shared SDK server (`stateless-server.ts`) then answers, framed as `event: message` SSE events.
 */
export async function handleStreamable(deps: StreamableDeps, req: IncomingMessage, res: ServerResponse, _url: URL): Promise<void> {
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
  await answer(deps, req, res, message, { sessionId, newSessionId });
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

async function answer(deps: StreamableDeps, req: IncomingMessage, res: ServerResponse, message: JSONRPCMessage, session: Session): Promise<void> {
  const server = statelessServerFor(deps);
  if (!isJSONRPCRequest(message)) {
    // A notification or a client's response: accepted, nothing to stream back.
    await server.deliver(message);
    res.writeHead(202).end();
    return;
  }
  res.writeHead(200, { ...eventStreamHeaders, ...(session.newSessionId && { 'Mcp-Session-Id': session.newSessionId }) });
  res.flushHeaders();
  const connection = { transportName: 'http-streamable' as const, headers: headersForTool(req), sessionId: session.sessionId };
  await server.request(message, connection, (reply) => {
    // A client that went away misses the rest; the tool call itself runs to its end, as in the extension.
    if (!res.destroyed && !res.writableEnded) res.write(`event: message\ndata: ${JSON.stringify(reply)}\n\n`);
  });
  res.end();
}
