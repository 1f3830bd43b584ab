import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isJSONRPCErrorResponse, isJSONRPCResultResponse, type JSONRPCMessage, type JSONRPCRequest, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { McpConnection } from './tool-call.js';
import { createMcpServer, type McpServerDeps } from './server.js';

type Connection = Omit<McpConnection, 'clientInfo'>;

/**
 * The streamable endpoint's MCP server, built once per host and shared by every POST, as the extension
 * keeps its tool registry and server options per host. The wire stays stateless (docs/local-host.md): each
 * POST is one exchange, `initialize` is not required first, nothing is remembered between POSTs.
 *
 * An SDK `Server` talks to one transport, so POSTs reach it through one in-process transport that
 * multiplexes them: each request gets a host-unique JSON-RPC id on the way in (two clients may both send
 * `id: 1` at once) and its own id back on the way out, and the caller's connection (headers, session id)
 * is looked up by that id when the tool is invoked. Building an SDK server per POST instead costs a JSON
 * Schema compiler (Ajv) and a transport per request, which the extension does not pay.
 */
export class StatelessMcpServer {
  private readonly transport = new MultiplexTransport();
  private readonly connections = new Map<RequestId, Connection>();
  private readonly server: Server;
  private readonly connected: Promise<void>;

  constructor(deps: McpServerDeps) {
    this.server = createMcpServer(deps, (requestId) => {
      const connection = requestId === undefined ? undefined : this.connections.get(requestId);
      if (!connection) throw new Error('no connection for this request');
      return connection;
    });
    this.connected = this.server.connect(this.transport);
  }

  /**
   * Runs one request; `onMessage` receives what the server sends about it (notifications it relates to
   * the request, then the response, with the client's id), and the promise settles after the response.
   */
  async request(message: JSONRPCRequest, connection: Connection, onMessage: (message: JSONRPCMessage) => void): Promise<void> {
    await this.connected;
    await this.transport.exchange(
      message,
      onMessage,
      (id) => this.connections.set(id, connection),
      (id) => this.connections.delete(id),
    );
  }

  /** A notification or a client's response: handed to the server, nothing to answer. */
  async deliver(message: JSONRPCMessage): Promise<void> {
    await this.connected;
    this.transport.onmessage?.(message);
  }
}

/** Per host (its tool list is per host): the server is built on the host's first streamable POST. */
const servers = new WeakMap<McpServerDeps['tools'], StatelessMcpServer>();

export function statelessServerFor(deps: McpServerDeps): StatelessMcpServer {
  let server = servers.get(deps.tools);
  if (!server) {
    server = new StatelessMcpServer(deps);
    servers.set(deps.tools, server);
  }
  return server;
}

class MultiplexTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private next = 0;
  private readonly waiting = new Map<RequestId, (message: JSONRPCMessage) => void>();

  async start(): Promise<void> {}

  async close(): Promise<void> {
    this.onclose?.();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const id = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message) ? message.id : options?.relatedRequestId;
    // A server-initiated message unrelated to a request has no stream to go to on a stateless endpoint.
    if (id !== undefined) this.waiting.get(id)?.(message);
  }

  exchange(
    request: JSONRPCRequest,
    onMessage: (message: JSONRPCMessage) => void,
    opened: (id: RequestId) => void,
    closed: (id: RequestId) => void,
  ): Promise<void> {
    const id = `host-${this.next++}`;
    return new Promise((resolve) => {
      this.waiting.set(id, (message) => {
        const isResponse = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
        onMessage(isResponse ? { ...message, id: request.id } : message);
        if (isResponse) {
          this.waiting.delete(id);
          closed(id);
          resolve();
        }
      });
      opened(id);
      this.onmessage?.({ ...request, id });
    });
  }
}
