import { createHash } from 'node:crypto';

/**
 * A bounded, per-instance cache of values the gateway has already decrypted and checked (a session
 * access token, a tool session header, a grant's Entra token), so the hot path does not repeat the same
 * AES-GCM work and claim checks for every request that carries the same value.
 *
 * - Keyed by a SHA-256 digest of what was opened (and of the key that opened it, where the caller's key
 *   is part of the check): the cache never holds the token itself as a key, and a different key or a
 *   single altered byte is a different entry, which is opened and checked in full.
 * - An entry is served only before its `validUntilMs` (the value's own expiry, as the full check would
 *   judge it), so caching never extends a lifetime. Revocation is not decided here: callers check the
 *   grant on every use, as before.
 * - At most `maxEntries` entries; the least recently used goes first (a `Map` keeps insertion order,
 *   and a hit re-inserts its entry).
 */
export class OpenedCache<V> {
  private readonly entries = new Map<string, { value: V; validUntilMs: number }>();

  constructor(readonly maxEntries = 10_000) {}

  /** The digest of `parts`, each length-prefixed so that no two different lists share one. */
  static key(...parts: (string | Uint8Array)[]): string {
    const hash = createHash('sha256');
    for (const part of parts) {
      const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      hash.update(length).update(bytes);
    }
    return hash.digest('base64url');
  }

  get(key: string, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (nowMs >= entry.validUntilMs) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, validUntilMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, validUntilMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
