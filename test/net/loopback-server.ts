import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  port: number;
  origin: string;
  /** Requests received, in order (method, path, Host header). */
  requests: { path: string; host: string | undefined }[];
  /** TCP connections accepted: stays 0 when a fetch is refused before connecting. */
  connections(): number;
  close(): Promise<void>;
}

/** A plain HTTP server on 127.0.0.1 for fetcher tests: traffic never leaves loopback. */
export async function startLoopbackServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const requests: LoopbackServer['requests'] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', host: req.headers.host });
    handler(req, res);
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
