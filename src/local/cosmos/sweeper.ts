import { CosmosClient, type Database } from '@azure/cosmos';
import { CONTAINERS } from '../../store/containers.js';

/**
 * Cosmos DB's time to live, which the in-process server lacks, applied by the same rule: a document
 * expires `ttl` seconds after its last write (`_ts`), where `ttl` is its own or else its container's
 * `defaultTtl`; `-1` (or no TTL at all) never expires. Azure deletes expired documents in the
 * background and never returns them; here `sweep()` deletes them (the local stack runs it every
 * minute, tests call it). Reads between expiry and the sweep can still see such a document, which is
 * why the gateway checks `expiresAt` on every read (tests pin that, see test/reliability).
 */
export interface TtlSweeper {
  /** Deletes every expired document now; returns how many per container. */
  sweep(): Promise<Record<string, number>>;
  stop(): void;
}

interface TtlFields {
  id: string;
  _ts: number;
  ttl?: number;
}

export interface TtlSweeperOptions {
  database: Database;
  /** The Cosmos server's clock (it stamps `_ts`), epoch ms. */
  now?: () => number;
  /** 0: never on a timer, only `sweep()`. */
  intervalMs?: number;
  log?: (level: string, message: string) => void;
}

export const SWEEP_INTERVAL_MS = 60_000;

export function createTtlSweeper(options: TtlSweeperOptions): TtlSweeper {
  const now = options.now ?? Date.now;
  let sweeping: Promise<Record<string, number>> | undefined;

  async function sweepOnce(): Promise<Record<string, number>> {
    const nowSeconds = now() / 1000;
    const deleted: Record<string, number> = {};
    for (const spec of Object.values(CONTAINERS)) {
      const container = options.database.container(spec.id);
      const { resources } = await container.items.query<TtlFields>('SELECT c.id, c._ts, c.ttl FROM c').fetchAll();
      deleted[spec.id] = 0;
      for (const doc of resources) {
        if (!isExpired(doc, spec.defaultTtl, nowSeconds)) continue;
        await container
          .item(doc.id, doc.id)
          .delete()
          .then(
            () => (deleted[spec.id]! += 1),
            (error: unknown) => {
              // Deleted meanwhile (a consume, a revoke): nothing left to collect.
              if ((error as { code?: unknown }).code !== 404) throw error;
            },
          );
      }
    }
    return deleted;
  }

  const sweep = () => {
    sweeping ??= sweepOnce().finally(() => (sweeping = undefined));
    return sweeping;
  };

  const interval = options.intervalMs ?? SWEEP_INTERVAL_MS;
  const timer =
    interval > 0
      ? setInterval(() => {
          sweep().catch((error: unknown) => options.log?.('warning', `TTL sweep failed: ${String(error)}`));
        }, interval)
      : undefined;
  timer?.unref();
  return { sweep, stop: () => clearInterval(timer) };
}

/** Cosmos's rule: the document's own `ttl` wins over the container's default; -1 or none: never. */
export function isExpired(doc: Pick<TtlFields, '_ts' | 'ttl'>, defaultTtl: number | undefined, nowSeconds: number): boolean {
  if (defaultTtl === undefined) return false; // TTL off on the container: per-document ttl is ignored
  const ttl = typeof doc.ttl === 'number' ? doc.ttl : defaultTtl;
  if (ttl === -1 || ttl <= 0) return false;
  return doc._ts + ttl <= nowSeconds;
}

/** The local stack's sweeper, on its own client to the local Cosmos endpoint; `close()` stops it. */
export function startLocalTtlSweeper(
  endpoint: string,
  key: string,
  databaseId: string,
  log?: TtlSweeperOptions['log'],
): TtlSweeper & { close(): Promise<void> } {
  const client = new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
  const sweeper = createTtlSweeper({ database: client.database(databaseId), log });
  return {
    ...sweeper,
    close: async () => {
      sweeper.stop();
      client.dispose();
    },
  };
}
