import { isStoreUnavailable } from '../store/availability.js';

/** One dependency's state, as `/health/ready` reports it (no detail that could help an attacker). */
export type CheckState = 'ok' | 'unavailable' | 'failed';

export interface ReadinessReport {
  ready: boolean;
  checks: { configuration: CheckState; cosmos: CheckState };
  /** Epoch ms when the checks ran (a cached report keeps its time). */
  checkedAt: number;
}

export interface ReadinessOptions {
  /** A cheap Cosmos call that needs the account, the database and a container (a metadata read). */
  probeCosmos: () => Promise<unknown>;
  now?: () => number;
  /** How long a report is reused, so probes cannot hammer Cosmos (default 5 s). */
  cacheMs?: number;
  /** Where a failed check's cause goes (never to the client). */
  log?: (message: string, error: unknown) => void;
}

export const READINESS_CACHE_MS = 5_000;

/**
 * Readiness: whether this instance can serve requests that need its dependencies. The configuration
 * is resolved by the time the app runs (an invalid one stops it at start-up), so it is `ok` here;
 * Cosmos DB is probed. One probe at a time; its report is reused for `cacheMs`.
 */
export function createReadiness(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? READINESS_CACHE_MS;
  let last: ReadinessReport | undefined;
  let running: Promise<ReadinessReport> | undefined;

  async function check(): Promise<ReadinessReport> {
    let cosmos: CheckState = 'ok';
    try {
      await options.probeCosmos();
    } catch (error) {
      cosmos = isStoreUnavailable(error) ? 'unavailable' : 'failed';
      options.log?.(`readiness: Cosmos DB ${cosmos}`, error);
    }
    return { ready: cosmos === 'ok', checks: { configuration: 'ok', cosmos }, checkedAt: now() };
  }

  return () => {
    const at = now();
    if (last && at - last.checkedAt < cacheMs && at >= last.checkedAt) return Promise.resolve(last);
    running ??= check().then((report) => {
      last = report;
      running = undefined;
      return report;
    });
    return running;
  };
}
