import type http from 'node:http';

/** How long a stopping server waits for requests in flight before it cuts them (default). */
export const DRAIN_TIMEOUT_MS = 5_000;

type Listener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface Drain {
  /** The request listener to give `http.createServer`, counting requests in flight. */
  listener: Listener;
  /** Requests being served now. */
  readonly inFlight: number;
  /** Stops `server` gracefully; resolves when it is closed. */
  drain(server: http.Server, timeoutMs?: number): Promise<void>;
}

/**
 * Graceful stop for an HTTP server, as the Functions host does on SIGTERM: once `drain()` is called,
 * new requests get 503 with `Retry-After` and `Connection: close` (except those `admit` lets through:
 * the internal hops of requests already in flight, such as a forward to the MCP extension on the same
 * host); the requests in flight finish, for at most `timeoutMs`; then the server closes and cuts what
 * is left. Long-lived streams (SSE) should be ended by their owner first, or they hold the drain to
 * its bound.
 */
export function createDrain(inner: Listener, admit: (req: http.IncomingMessage) => boolean = () => false): Drain {
  const inFlight = new Set<http.ServerResponse>();
  let draining = false;
  let idle: (() => void) | undefined;

  const listener: Listener = (req, res) => {
    if (draining && !admit(req)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close', 'Retry-After': '1' });
      res.end('The server is shutting down; retry.\n');
      return;
    }
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) idle?.();
    });
    inner(req, res);
  };

  return {
    listener,
    get inFlight() {
      return inFlight.size;
    },
    drain(server, timeoutMs = DRAIN_TIMEOUT_MS) {
      draining = true;
      const finished = new Promise<void>((resolve) => {
        idle = resolve;
        if (inFlight.size === 0) resolve();
      });
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      return Promise.race([finished, bound]).then(
        () =>
          new Promise<void>((resolve, reject) => {
            clearTimeout(timer);
            server.close((error) => (error ? reject(error) : resolve()));
            server.closeAllConnections();
          }),
      );
    },
  };
}

/** The MCP extension's webhooks: during a drain they still serve the forwards of requests in flight. */
export function isMcpExtensionRequest(req: http.IncomingMessage): boolean {
  return /^\/runtime\/webhooks\/mcp(\/|\?|$)/i.test(req.url ?? '');
}
