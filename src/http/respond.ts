import { OAuthError, ServerError, TemporarilyUnavailableError } from '../oauth/errors.js';
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from '../store/availability.js';
import { TooManyRequestsError } from './rate-limit.js';
import type { HttpOutput } from './types.js';
import { describeFailure } from '../observability/failures.js';
import { withCorrelationId } from '../observability/scope.js';

/** OAuth responses that carry credentials or per-request results must not be cached (RFC 6749 §5.1). */
export const NO_STORE: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpOutput {
  return { status, jsonBody: body, headers: { 'Content-Type': 'application/json', ...headers } };
}

/** An `OAuthError` as its RFC 6749 §5.2 JSON body, with its status and `Cache-Control: no-store`. */
export function oauthErrorResponse(error: OAuthError, headers: Record<string, string> = {}): HttpOutput {
  return jsonResponse(error.status, error.toResponseObject(), { ...NO_STORE, ...headers });
}

/** Something to log when an endpoint fails unexpectedly; `error` is undefined when the message says it all. */
export type ErrorLogger = (message: string, error: unknown) => void;

/**
 * Turns anything a handler threw into a response: an `OAuthError` as itself, anything else as a
 * generic `server_error` (its details go to the log only, never to the client).
 */
export function errorResponse(error: unknown, log?: ErrorLogger): HttpOutput {
  if (error instanceof TooManyRequestsError) return oauthErrorResponse(error, { 'Retry-After': String(error.retryAfterSeconds) });
  if (error instanceof OAuthError) return oauthErrorResponse(error);
  const readable = describeFailure(error);
  if (isStoreUnavailable(error)) {
    log?.(withCorrelationId(readable ?? 'Cosmos DB is unavailable; answered 503'), readable ? undefined : error);
    return oauthErrorResponse(storeUnavailableError(), retryAfterHeader());
  }
  log?.(withCorrelationId(readable ?? 'Unexpected error in an OAuth endpoint'), readable ? undefined : error);
  return oauthErrorResponse(new ServerError(withCorrelationId('The server hit an unexpected error. Try again; if it persists, tell the operator')));
}

/** What the client reads when Cosmos DB cannot serve the request right now (RFC 6749 `temporarily_unavailable`). */
export function storeUnavailableError(): TemporarilyUnavailableError {
  return new TemporarilyUnavailableError(
    withCorrelationId(`The gateway's storage is unavailable for the moment; nothing was changed. Retry in ${STORE_RETRY_AFTER_SECONDS} seconds`),
  );
}

export function retryAfterHeader(): Record<string, string> {
  return { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) };
}
