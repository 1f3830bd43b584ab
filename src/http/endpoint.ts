import { clientAddress } from './client-address.js';
import { isPreflight, preflightResponse, withCors } from './cors.js';
import type { RateLimiter } from './rate-limit.js';
import { errorResponse, type ErrorLogger } from './respond.js';
import type { HttpInput, HttpOutput } from './types.js';

export type OAuthHandler = (request: HttpInput) => Promise<HttpOutput>;

/** The optional second argument the Functions runtime passes (its `InvocationContext`). */
export interface LogContext {
  error(...args: unknown[]): void;
}

/**
 * Wraps an OAuth endpoint reachable cross-origin (metadata, register, token, revoke): answers CORS
 * preflight, adds CORS headers to every response, and is the one place that turns thrown errors into
 * responses, so handlers just `throw new InvalidRequestError(...)`.
 */
export function corsOAuthEndpoint(handler: OAuthHandler) {
  return async (request: HttpInput, context?: LogContext): Promise<HttpOutput> => {
    if (isPreflight(request)) return preflightResponse();
    const log: ErrorLogger | undefined = context
      ? (message, error) => (error === undefined ? context.error(message) : context.error(message, error))
      : undefined;
    try {
      return withCors(await handler(request));
    } catch (error) {
      return withCors(errorResponse(error, log));
    }
  };
}

/** `handler`, counted against `limiter` by client address first (preflights, answered earlier, are not counted). */
export function rateLimited(limiter: RateLimiter, trustedHops: number, handler: OAuthHandler): OAuthHandler {
  return async (request) => {
    limiter.take(clientAddress(request.headers, trustedHops));
    return handler(request);
  };
}
