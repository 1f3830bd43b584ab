import type { GrantRecord, Versioned } from '../../store/grants.js';

/**
 * A bounded, per-instance cache of grants for the access-token hot path.
 *
 * - At most `maxEntries` grants; the least recently used is evicted first (a `Map` keeps insertion
 *   order, and a hit re-inserts the entry).
 * - An entry is served only while younger than `freshForMs`; after that the grant is read again. So
 *   a revocation made on another instance takes effect here within `freshForMs`; one made through
 *   this instance evicts the entry at once (`delete`).
 * - Concurrent misses for one grant share one read (`load`), so a stale entry under load costs one
 *   point read, not one per request in flight.
 */
export class GrantCache {
  private readonly entries = new Map<string, { grant: Versioned<GrantRecord>; fetchedAt: number }>();
  private readonly inflight = new Map<string, Promise<Versioned<GrantRecord> | undefined>>();

  constructor(
    readonly maxEntries: number,
    readonly freshForMs: number,
  ) {}

  get(grantId: string, nowMs: number): Versioned<GrantRecord> | undefined {
    const entry = this.entries.get(grantId);
    if (!entry) return undefined;
    this.entries.delete(grantId);
    if (nowMs - entry.fetchedAt >= this.freshForMs || nowMs < entry.fetchedAt) return undefined;
    this.entries.set(grantId, entry);
    return entry.grant;
  }

  /**
   * The cached grant, or the one `read` returns (then cached). Requests that miss while a read is in
   * flight wait for that read. A `delete` during the read keeps its result out of the cache, so a
   * revocation is never overwritten by the older copy.
   */
  load(grantId: string, now: () => number, read: () => Promise<Versioned<GrantRecord> | undefined>): Promise<Versioned<GrantRecord> | undefined> {
    const cached = this.get(grantId, now());
    if (cached) return Promise.resolve(cached);
    const pending = this.inflight.get(grantId);
    if (pending) return pending;
    const reading = read();
    this.inflight.set(grantId, reading);
    const settle = (grant?: Versioned<GrantRecord>) => {
      if (this.inflight.get(grantId) !== reading) return; // deleted meanwhile: keep the older copy out
      this.inflight.delete(grantId);
      if (grant) this.set(grant, now());
    };
    reading.then(settle, () => settle());
    return reading;
  }

  set(grant: Versioned<GrantRecord>, nowMs: number): void {
    this.entries.delete(grant.value.id);
    this.entries.set(grant.value.id, { grant, fetchedAt: nowMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(grantId: string): void {
    this.entries.delete(grantId);
    this.inflight.delete(grantId);
  }

  get size(): number {
    return this.entries.size;
  }
}
