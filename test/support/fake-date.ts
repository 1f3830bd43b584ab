// One clock for a whole in-process stack: only `Date` is faked (timers, I/O and microtasks stay real),
// so the Entra emulator, the gateway and the tools all see the time the test sets, without sleeping.
import { jest } from '@jest/globals';

const REAL_TIMERS = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

/** Fakes `Date` only, starting now and advancing with real time; move it with `jest.setSystemTime`. */
export function fakeDateOnly(): void {
  jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], now: Date.now(), advanceTimers: true });
}
