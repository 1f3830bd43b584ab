import { isStoreUnavailable } from '../../src/store/availability.js';

describe('store availability: which Cosmos errors mean "retry later" (503)', () => {
  test.each([
    ['connection refused', { code: 'ECONNREFUSED' }],
    ['connection reset', { code: 'ECONNRESET' }],
    ['throttled past the retries', { code: 429 }],
    ['service unavailable', { code: 503 }],
    ['request timeout', { code: 408 }],
    ['the SDK timeout', { code: 'REQUEST_TIMEOUT' }],
    ['an abort by timeout', { name: 'TimeoutError' }],
  ])('%s: unavailable', (_what, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  test.each([
    ['not found', { code: 404 }],
    ['precondition failed (a lost IfMatch)', { code: 412 }],
    ['conflict', { code: 409 }],
    ['bad request', { code: 400 }],
    ['a programming error', new TypeError('x is undefined')],
    ['nothing', undefined],
  ])('%s: not unavailable (a real answer or a bug)', (_what, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });
});
