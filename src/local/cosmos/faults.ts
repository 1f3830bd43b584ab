import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a test can do to the local Cosmos DB endpoint, as an outage or a busy account would:
 * - `stop()` closes the endpoint's port (clients get "connection refused"), `start()` opens it again
 *   on the same port; the data survives, as it does in a real account during an outage. (While it is
 *   closed another process could take the port: tests that stop Cosmos run it on a port of their own,
 *   `startLocalStack({ emulatorPorts: 'any' })`.)
 * - `throttle(count, retryAfterMs)`: the next `count` requests get Cosmos's 429 (`x-ms-retry-after-ms`).
 *   A real 429 cannot be caused on the local server, which has no request units; this one is injected
 *   at the HTTP level, in front of it, so the real `@azure/cosmos` client and its retry policy see it.
 * - `failAfter(count)`: the next `count` requests pass, then the port closes (an outage in the middle
 *   of a request that writes several documents).
 */
export interface CosmosFaults {
  stop(): Promise<void>;
  start(): Promise<void>;
  throttle(count: number, retryAfterMs?: number): void;
  failAfter(count: number): void;
  /** Requests answered 429 so far. */
  readonly throttled: number;
}

export interface CosmosFront extends CosmosFaults {
  endpoint: string;
  close(): Promise<void>;
}

/** One connection per request: a stopped endpoint must not keep serving on a pooled connection. */
const agent = new http.Agent({ keepAlive: false });

/** The public Cosmos endpoint: a pass-through to the in-process server at `target`, with the faults above. */
export async function startCosmosFront(port: number, host: string, target: string): Promise<CosmosFront> {
  let throttleLeft = 0;
  let throttleMs = 100;
  let throttled = 0;
  let passLeft = Infinity;
  const server = http.createServer((req, res) => {
    if (throttleLeft > 0) {
      throttleLeft--;
      throttled++;
      return tooManyRequests(req, res, throttleMs);
    }
    if (passLeft !== Infinity && passLeft-- <= 0) {
      passLeft = Infinity;
      res.destroy();
      void stop();
      return;
    }
    relay(target, req, res);
  });
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const actual = await listen(port);
  return {
    endpoint: `http://${host}:${actual}/`,
    stop,
    start: async () => {
      if (!server.listening) await listen(actual);
    },
    throttle(count, retryAfterMs = 100) {
      throttleLeft = count;
      throttleMs = retryAfterMs;
    },
    failAfter(count) {
      passLeft = count;
    },
    get throttled() {
      return throttled;
    },
    close: stop,
  };
}

function tooManyRequests(req: IncomingMessage, res: ServerResponse, retryAfterMs: number): void {
  req.resume();
  res.writeHead(429, {
    'content-type': 'application/json',
    'x-ms-retry-after-ms': String(retryAfterMs),
    'x-ms-substatus': '3200',
    'x-ms-request-charge': '0',
  });
  res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large. More Request Units may be needed, so no changes were made.' }));
}

function relay(target: string, req: IncomingMessage, res: ServerResponse): void {
  const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}
