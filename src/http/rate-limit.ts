import { OAuthError } from '../oauth/errors.js';

/** Too many requests from one address: HTTP 429 with `Retry-After` (RFC 6585). */
export class TooManyRequestsError extends OAuthError {
  static override readonly errorCode = 'temporarily_unavailable';
  static override readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests from your address; try again in ${retryAfterSeconds} seconds.`);
  }
}

/**
 * A fixed-window counter per key (a client address), in this instance's memory. Bounded: at most
 * `maxKeys` windows are kept, the oldest dropped first, so a flood of distinct addresses costs memory
 * once and cannot grow it. What it can and cannot do is in docs/authorization-server.md (per instance,
 * so N instances allow N times the limit; a restart forgets).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one request for `key`; throws `TooManyRequestsError` when the window's limit is spent. A limit of 0 is off. */
  take(key: string): void {
    if (this.limit <= 0) return;
    const at = this.now();
    let window = this.windows.get(key);
    if (!window || at - window.start >= this.windowMs) {
      this.windows.delete(key);
      window = { start: at, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value as string);
    }
    window.count += 1;
    if (window.count > this.limit) throw new TooManyRequestsError(Math.max(1, Math.ceil((window.start + this.windowMs - at) / 1000)));
  }
}

export interface RateLimits {
  register: RateLimiter;
  authorize: RateLimiter;
  token: RateLimiter;
  /** How many `X-Forwarded-For` entries, from the right, the platform wrote (see `clientAddress`). */
  trustedHops: number;
}

export interface RateLimitSettings {
  registerPerMinute: number;
  authorizePerMinute: number;
  tokenPerMinute: number;
  trustedProxyHops: number;
}

export function createRateLimits(settings: RateLimitSettings, now: () => number = () => Date.now()): RateLimits {
  const minute = 60_000;
  return {
    register: new RateLimiter(settings.registerPerMinute, minute, now),
    authorize: new RateLimiter(settings.authorizePerMinute, minute, now),
    token: new RateLimiter(settings.tokenPerMinute, minute, now),
    trustedHops: settings.trustedProxyHops,
  };
}
