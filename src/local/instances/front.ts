import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDrain, isMcpExtensionRequest } from '../host/drain.js';
import { requestUrl } from '../host/request-url.js';

/**
 * Picks an instance: `x-local-instance: N` (1-based) pins a request to instance N, which tests use to
 * send each step of one flow to a chosen instance; otherwise round robin, as Azure's front end spreads
 * requests over a Function app's instances (with no affinity).
 */
export const PIN_HEADER = 'x-local-instance';

export interface Front {
  url: string;
  port: number;
  /** How many requests each instance got (index 0 = instance 1). */
  counts: number[];
  close(): Promise<void>;
}

/** One connection per request to an instance, so closing an instance is never held up by the front. */
const agent = new http.Agent({ keepAlive: false });

/** A small reverse proxy on the public port in front of the instances' own ports. */
export async function startFront(port: number, hostname: string, targets: string[]): Promise<Front> {
  const counts = targets.map(() => 0);
  let next = 0;
  const choose = (req: IncomingMessage): number => {
    const pinned = Number(req.headers[PIN_HEADER]);
    if (Number.isInteger(pinned) && pinned >= 1 && pinned <= targets.length) return pinned - 1;
    const index = next;
    next = (next + 1) % targets.length;
    return index;
  };
  const drain = createDrain((req, res) => {
    const index = choose(req);
    counts[index]! += 1;
    relay(targets[index]!, req, res);
  }, isMcpExtensionRequest);
  const server = http.createServer(drain.listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${actual}`,
    port: actual,
    counts,
    /** Graceful: requests in flight finish (bounded), new ones get 503. */
    close: () => drain.drain(server),
  };
}

function relay(target: string, req: IncomingMessage, res: ServerResponse): void {
  const upstream = http.request(requestUrl(req, target), { method: req.method, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    res.flushHeaders(); // an event stream's client should see the headers before the first event
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('error', () => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' }).end('The local front could not reach the gateway instance.\n');
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
