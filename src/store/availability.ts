import type { RetryOptions } from '@azure/cosmos';

/**
 * How the gateway treats a Cosmos DB that cannot serve right now (an outage, a network failure, or
 * throttling past the SDK's retries): the request answers 503 with `Retry-After`, never 500, and the
 * next request tries again. Nothing is cached as "down": recovery needs no restart.
 */

/** Seconds a client is asked to wait (`Retry-After`) when Cosmos DB is unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The SDK's own retries on 429 (throttling), set deliberately instead of its defaults (9 attempts,
 * up to 30 s): at most 3 retries, waiting what Cosmos asks (`x-ms-retry-after-ms`), at most 5 s in all,
 * so a request that runs out answers 503 well inside an MCP client's timeout.
 */
export const COSMOS_RETRY_OPTIONS: RetryOptions = {
  maxRetryAttemptCount: 3,
  fixedRetryIntervalInMilliseconds: 0,
  maxWaitTimeInSeconds: 5,
};

/** A single Cosmos request's timeout (the SDK's default is 60 s). */
export const COSMOS_REQUEST_TIMEOUT_MS = 10_000;

/** Status codes that mean "not now": timeout, throttled, unavailable. */
const TRANSIENT_STATUS = new Set([408, 429, 449, 503]);
/** Node's network error codes for a server that cannot be reached or dropped the connection. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** Whether an error from `@azure/cosmos` means Cosmos DB is unavailable for now (so: 503 and retry). */
export function isStoreUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'number') return TRANSIENT_STATUS.has(code);
  if (typeof code === 'string') return NETWORK_CODES.has(code) || code === 'REQUEST_TIMEOUT';
  return name === 'TimeoutError';
}
