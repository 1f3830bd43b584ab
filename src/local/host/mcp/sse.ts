import type { IncomingMessage, ServerResponse } from 'node:http';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { readBody } from '../request-body.js';
import { createMcpServer, withExtensionProtocolVersion, type McpServerDeps } from './server.js';
import { createId, eventStreamHeaders, formatClientState, headersForTool, headerValue, parseClientState, writeBadRequest } from './http-util.js';

export interface SseDeps extends McpServerDeps {
  instanceId: string;
  /** The key the GET presented, if any, to append to the endpoint URL as the extension does. */
  presentedKey?: string;
}

interface SseSession {
  transport: SSEServerTransport;
  server: Server;
}

/** The server sends a JSON-RPC `ping` on every open stream this often, as the extension does. */
const pingIntervalMs = 25_000;
const reconnectHint = 'Please connect to the /sse endpoint to initiate your session.';

/** The legacy SSE transport: `GET …/sse` opens a session, `POST …/message?azmcpcs=…` feeds it. */
export class SseSessions {
  private readonly sessions = new Map<string, SseSession>();

  /** `relay(instanceId)`: the URL of the host that holds that instance's sessions (several local instances). */
  constructor(private readonly relay?: (instanceId: string) => string | undefined) {}

  /** `GET …/sse`: an event stream whose first event names the message endpoint. */
  async open(deps: SseDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const clientId = createId();
    const transport = new SSEServerTransport('message', adaptEventStream(res, endpointEvent(deps, clientId)));
    // Over SSE the tool sees the GET's headers: the message loop runs in the GET's context.
    const headers = headersForTool(req);
    const sessionId = headerValue(req, 'mcp-session-id') || undefined;
    const server = createMcpServer(deps, () => ({ transportName: 'http-sse', headers, sessionId }));
    const ping = setInterval(() => void server.ping().catch(() => undefined), pingIntervalMs);
    ping.unref();
    // Set before `connect`, which chains the server's own close handling after it.
    transport.onclose = () => {
      clearInterval(ping);
      this.sessions.delete(clientId);
    };
    this.sessions.set(clientId, { transport, server });
    await server.connect(transport);
  }

  /** `POST …/message?azmcpcs=…`: 202 `Accepted`; the reply travels on the session's stream. */
  async post(deps: SseDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const state = url.searchParams.get('azmcpcs');
    if (!state) return writeBadRequest(res, `Missing service context. ${reconnectHint}`);
    const parsedState = parseClientState(state);
    if (!parsedState) return writeBadRequest(res, `Invalid client state. ${reconnectHint}`);
    const raw = await readBody(req);
    const owner = parsedState.instanceId === deps.instanceId ? undefined : this.relay?.(parsedState.instanceId);
    if (owner) return relayMessage(owner, raw, req, res, url);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.writeHead(500).end(); // the extension's JSON read throws (inferred: 500)
      return;
    }
    if (body === null) return writeBadRequest(res, 'No message in request body.');
    const message = JSONRPCMessageSchema.safeParse(body);
    if (!message.success) {
      res.writeHead(500).end();
      return;
    }
    const session = this.sessions.get(parsedState.clientId);
    // In Azure a message for another instance is relayed through a Storage queue; locally, to the peer
    // host named by the client state (`relayMessage`), when the stack runs several instances.
    if (!session) {
      return writeBadRequest(res, `No active session for client '${parsedState.clientId}' and instance '${parsedState.instanceId}'. ${reconnectHint}`);
    }
    await session.transport.handleMessage(withExtensionProtocolVersion(message.data));
    res.writeHead(202).end('Accepted');
  }

  /** Ends every open stream (host shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map(({ server }) => server.close().catch(() => undefined)));
    this.sessions.clear();
  }
}

/**
 * Hands a message for a session held by another local instance to that instance's host, as the
 * extension's queue relay does in Azure, and answers with what it answered (202 `Accepted`, or its 400).
 */
async function relayMessage(owner: string, body: Buffer, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of ['content-type', 'x-functions-key']) {
    const value = headerValue(req, name);
    if (value) headers[name] = value;
  }
  let answer: Response;
  try {
    answer = await fetch(`${owner}${url.pathname}${url.search}`, { method: 'POST', headers, body });
  } catch {
    return writeBadRequest(res, `The instance holding this session cannot be reached. ${reconnectHint}`);
  }
  const text = await answer.text();
  res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'text/plain' }).end(text);
}

/** `message?azmcpcs=<state>`, relative so it resolves next to the URL the client connected to. */
function endpointEvent(deps: SseDeps, clientId: string): string {
  let endpoint = `message?azmcpcs=${formatClientState(clientId, deps.instanceId)}`;
  if (deps.presentedKey) endpoint += `&code=${encodeURIComponent(deps.presentedKey)}`;
  return `event: endpoint\ndata: ${endpoint}\n\n`;
}

/**
 * SSEServerTransport frames the stream, but its headers (`no-cache, no-transform`) and its endpoint event
 * (an absolute path with a `sessionId` query) differ from the extension's. Its first `writeHead` and its
 * endpoint `write` on this response are swapped for the extension's; every later write is untouched.
 */
function adaptEventStream(res: ServerResponse, endpoint: string): ServerResponse {
  const writeHead = res.writeHead.bind(res);
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let endpointSent = false;
  res.writeHead = ((status: number) => writeHead(status, eventStreamHeaders)) as typeof res.writeHead;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (!endpointSent && typeof chunk === 'string' && chunk.startsWith('event: endpoint\n')) {
      endpointSent = true;
      return write(endpoint, ...rest);
    }
    return write(chunk, ...rest);
  }) as typeof res.write;
  return res;
}
