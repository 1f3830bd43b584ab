import { clientAddress } from '../../src/http/client-address.js';
import { RateLimiter, TooManyRequestsError } from '../../src/http/rate-limit.js';

const xff = (value: string) => new Headers({ 'x-forwarded-for': value });

describe('client address behind the front end', () => {
  test.each([
    ['203.0.113.7:51234', 1, '203.0.113.7'],
    ['1.1.1.1, 203.0.113.7:51234', 1, '203.0.113.7'], // the client's own entry on the left is ignored
    ['[2001:DB8::1]:443', 1, '2001:db8::1'],
    ['2001:db8::2', 1, '2001:db8::2'],
    ['1.1.1.1, 203.0.113.7, 10.0.0.4:1234', 2, '203.0.113.7'], // one trusted proxy in front
    ['not-an-address', 1, 'unknown'],
  ])('%s with %i trusted hop(s) is %s', (header, hops, expected) => {
    expect(clientAddress(xff(header), hops)).toBe(expected);
  });

  test('no header: every caller shares one key', () => {
    expect(clientAddress(new Headers(), 1)).toBe('unknown');
  });
});

describe('rate limiter', () => {
  test('counts per key within a window and says when to retry', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    limiter.take('a');
    limiter.take('a');
    limiter.take('b');
    now = 15_000;
    expect(() => limiter.take('a')).toThrow(expect.objectContaining({ retryAfterSeconds: 45 }) as unknown as TooManyRequestsError);
    now = 60_000;
    expect(() => limiter.take('a')).not.toThrow();
  });

  test('a limit of 0 is off; the number of keys kept is bounded', () => {
    const off = new RateLimiter(0, 60_000);
    for (let i = 0; i < 100; i++) off.take('a');
    const bounded = new RateLimiter(1, 60_000, () => 0, 3);
    for (const key of ['a', 'b', 'c', 'd']) bounded.take(key);
    expect(() => bounded.take('a')).not.toThrow(); // 'a' was dropped as the oldest window
  });
});
