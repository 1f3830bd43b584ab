import type { GrantRecord, Versioned } from '../../store/grants.js';

/**
 * A bounded, per-instance cache of grants for the access-token hot path.
 *
 * - At most `maxEntries` grants; the least recently used is evicted first (a `Map` keeps insertion
 *   order, and a hit re-inserts the entry).
 * - An entry is served only while younger than `freshForMs`; after that the grant is read again. So
 *   a revocation made on another instance takes effect here within `freshForMs`; one made through
 *   this instance evicts the entry at once (`delete`).
 */
export class GrantCache {
  private readonly entries = new Map<string, { grant: Versioned<GrantRecord>; fetchedAt: number }>();

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
  }

  get size(): number {
    return this.entries.size;
  }
}
