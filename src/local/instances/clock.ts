/**
 * A clock offset shared between the test (or `npm start`) thread and the worker threads that run the
 * gateway's instances. Each instance reads `Date` as wall-clock time plus the offset, so a test moves
 * every instance forward at once (past a cache's freshness, a code's expiry) without sleeping.
 * The offset lives in a `SharedArrayBuffer`, so a move is seen by every thread at its next read.
 */
export class SharedClock {
  readonly buffer: SharedArrayBuffer;
  private readonly offset: BigInt64Array;

  constructor(buffer = new SharedArrayBuffer(8)) {
    this.buffer = buffer;
    this.offset = new BigInt64Array(buffer);
  }

  /** Milliseconds added to the wall clock. */
  get offsetMs(): number {
    return Number(Atomics.load(this.offset, 0));
  }

  /** Moves every instance's clock forward (or back) by `ms`. */
  advance(ms: number): void {
    Atomics.add(this.offset, 0, BigInt(Math.round(ms)));
  }

  /** The shared time, epoch milliseconds. */
  now(): number {
    return installedRealNow() + this.offsetMs;
  }
}

const realNowKey = Symbol.for('entra-mcp-gateway.local.real-date-now');

function installedRealNow(): number {
  const real = (globalThis as Record<symbol, unknown>)[realNowKey] as (() => number) | undefined;
  return real ? real() : Date.now();
}

/**
 * Makes this thread's `Date` follow the shared clock: `Date.now()` and `new Date()` (no arguments) read
 * wall-clock time plus the offset; everything else is the real `Date`. Timers are untouched. Only ever
 * called inside an instance's worker thread, before the app loads.
 */
export function followSharedClock(clock: SharedClock): void {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  (globalThis as Record<symbol, unknown>)[realNowKey] = realNow;
  const now = () => realNow() + clock.offsetMs;
  // A subclass keeps `instanceof Date`, parsing and formatting; only the "current time" reads move.
  class SharedClockDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return now();
    }
  }
  globalThis.Date = SharedClockDate as DateConstructor;
}
