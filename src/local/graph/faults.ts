import { GraphError } from './errors.js';

/**
 * A failure to inject into the next requests that match. Set through the emulator object only, so no
 * client of the emulator can trigger it.
 */
export interface FaultSpec {
  /** 403 `Authorization_RequestDenied`, 429 `TooManyRequests` or 503 `serviceNotAvailable`. */
  status: 403 | 429 | 503;
  /** How many matching requests fail (default 1). */
  count?: number;
  /** Only requests by this user: the `oid` or the user principal name. */
  user?: string;
  /** Only requests to this path, e.g. `/v1.0/me` (case-insensitive, without the query). */
  path?: string;
  /** Overrides Graph's default code, e.g. `activityLimitReached` for a 429. */
  code?: string;
  message?: string;
  /** `Retry-After` for 429 and 503 (default 2 seconds); ignored for 403. */
  retryAfterSeconds?: number;
}

export interface FaultHandle {
  /** Matching requests still to fail. */
  readonly remaining: number;
  /** Withdraws the fault. */
  cancel(): void;
}

const DEFAULTS = {
  403: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
  429: { code: 'TooManyRequests', message: 'Too many requests. Please retry after the time in the Retry-After header.' },
  503: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Please retry after the time in the Retry-After header.' },
} as const;

interface Pending {
  spec: FaultSpec;
  remaining: number;
}

export function normalizePath(path: string): string {
  return path.toLowerCase().replace(/\/+$/, '') || '/';
}

/** The queue of injected faults; the first pending fault that matches a request is consumed. */
export class FaultInjector {
  private pending: Pending[] = [];

  add(spec: FaultSpec): FaultHandle {
    const count = spec.count ?? 1;
    if (![403, 429, 503].includes(spec.status)) throw new RangeError(`unsupported fault status ${spec.status}`);
    if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
    const entry: Pending = { spec: { ...spec, path: spec.path && normalizePath(spec.path) }, remaining: count };
    this.pending.push(entry);
    return {
      get remaining() {
        return entry.remaining;
      },
      cancel: () => {
        entry.remaining = 0;
        this.pending = this.pending.filter((p) => p !== entry);
      },
    };
  }

  clear(): void {
    for (const p of this.pending) p.remaining = 0;
    this.pending = [];
  }

  /** The error for this request, if a fault matches it (and counts it down). */
  take(path: string, user: { oid: string; username?: string }): GraphError | undefined {
    const normalized = normalizePath(path);
    const entry = this.pending.find(({ spec }) => {
      if (spec.path && spec.path !== normalized) return false;
      if (!spec.user) return true;
      const wanted = spec.user.toLowerCase();
      return wanted === user.oid.toLowerCase() || wanted === user.username?.toLowerCase();
    });
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.pending = this.pending.filter((p) => p !== entry);
    const { status, code, message, retryAfterSeconds } = entry.spec;
    const headers: Record<string, string> = status === 403 ? {} : { 'Retry-After': String(retryAfterSeconds ?? 2) };
    return new GraphError(status, code ?? DEFAULTS[status].code, message ?? DEFAULTS[status].message, headers);
  }
}
