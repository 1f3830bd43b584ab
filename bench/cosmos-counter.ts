import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';

/**
 * Counts the requests the in-process Cosmos DB server receives. The server runs in this process, so
 * Node's built-in `http.server.request.start` channel sees every request it accepts; those whose
 * server listens on the Cosmos endpoint's port are counted. Nothing in the app is patched.
 */
export interface CosmosCounter {
  readonly count: number;
  /** Requests so far by `METHOD /path`, document ids replaced by `{id}` (they name sessions). */
  byKind(): Map<string, number>;
  close(): void;
}

const CHANNEL = 'http.server.request.start';

export function countCosmosRequests(cosmosEndpoint: string): CosmosCounter {
  const port = Number(new URL(cosmosEndpoint).port);
  const kinds = new Map<string, number>();
  let count = 0;
  // Each server's port, looked up once: `server.address()` is a system call, and made on every request
  // it cost the gateway path (three HTTP servers per call) more than the direct path (one).
  const isCosmos = new WeakMap<Server, boolean>();
  const onRequest = (message: unknown) => {
    const { server, request } = message as { server?: Server; request?: IncomingMessage };
    if (!server) return;
    let cosmos = isCosmos.get(server);
    if (cosmos === undefined) {
      const address = server.address();
      cosmos = !!address && typeof address === 'object' && address.port === port;
      isCosmos.set(server, cosmos);
    }
    if (!cosmos) return;
    count++;
    const kind = `${request?.method ?? '?'} ${(request?.url ?? '').split('?')[0]!.replace(/\/docs\/[^/]+/, '/docs/{id}')}`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  };
  subscribe(CHANNEL, onRequest);
  return {
    get count() {
      return count;
    },
    byKind: () => new Map(kinds),
    close: () => void unsubscribe(CHANNEL, onRequest),
  };
}

/** What was added to `after` since `before`, as "2 × GET /…, 1 × POST /…" (or "none"). */
export function describeDelta(before: Map<string, number>, after: Map<string, number>): string {
  const parts = [...after].map(([kind, n]) => [kind, n - (before.get(kind) ?? 0)] as const).filter(([, n]) => n > 0);
  return parts.length === 0 ? 'none' : parts.map(([kind, n]) => `${n} x ${kind}`).join(', ');
}
