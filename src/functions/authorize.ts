import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import type { Deps } from '../deps.js';
import { handleAuthorize } from '../oauth/authorize.js';
import { handleCallback } from '../oauth/callback.js';
import { handleConsent } from '../oauth/consent.js';
import type { BrowserFlowDeps, FlowLog, FlowResponse } from '../oauth/flow/deps.js';
import type { HttpInput } from '../http/types.js';
import { ServerError } from '../oauth/errors.js';
import { errorPage } from '../oauth/flow/pages.js';
import { retryAfterHeader, storeUnavailableError } from '../http/respond.js';
import { isStoreUnavailable } from '../store/availability.js';
import { clientAddress } from '../http/client-address.js';
import { TooManyRequestsError, type RateLimiter } from '../http/rate-limit.js';
import { describeFailure } from '../observability/failures.js';
import { withCorrelationId } from '../observability/scope.js';

/** What the browser-facing pages use (/authorize, /consent, /callback and /account), from the app's deps. */
export function browserPageDeps(deps: Deps) {
  return {
    config: deps.config,
    clients: deps.clients,
    authorizations: deps.pendingAuthorizations,
    entra: deps.entra,
    grants: deps.grants,
    signed: deps.signed,
    claimsChallenges: deps.claimsChallenges,
    now: Date.now,
  };
}

/** A browser page's handler: its request, its deps, the flow log. */
type PageHandler<D> = (request: HttpInput, deps: D, log: FlowLog) => Promise<FlowResponse>;

/**
 * A browser page as a Functions handler: Cosmos unavailable is a 503 page with `Retry-After`; any other
 * failure an error page carrying the correlation id, with the details in the log only (they never hold a
 * token: the handlers do not put any in errors).
 */
export function browserPage<D>(deps: D, handler: PageHandler<D>) {
  return async (request: HttpRequest, context: InvocationContext) => {
    const log: FlowLog = { info: (m) => context.log(m), warn: (m) => context.warn(m) };
    try {
      return await handler(request, deps, log);
    } catch (err) {
      if (isStoreUnavailable(err)) {
        context.warn(`${context.functionName}: Cosmos DB is unavailable; answered 503`);
        const page = errorPage(storeUnavailableError());
        return { ...page, headers: { ...page.headers, ...retryAfterHeader() } };
      }
      const readable = describeFailure(err);
      if (readable) context.error(withCorrelationId(`${context.functionName}: ${readable}`));
      else context.error(withCorrelationId(`${context.functionName}: unexpected error`), err);
      return errorPage(new ServerError(withCorrelationId('The server hit an unexpected error. Start again; if it persists, tell the operator')));
    }
  };
}

/** A page that starts a sign-in (and so writes a pending authorization) is rate limited per client address: 429 page, never a redirect. */
export function rateLimitedPage<D>(limiter: RateLimiter, trustedHops: number, handler: PageHandler<D>): PageHandler<D> {
  return async (request, deps, log) => {
    try {
      limiter.take(clientAddress(request.headers, trustedHops));
    } catch (err) {
      if (!(err instanceof TooManyRequestsError)) throw err;
      log.warn('rate limit reached for a client address');
      const refused = errorPage(err, 429);
      return { ...refused, headers: { ...refused.headers, 'Retry-After': String(err.retryAfterSeconds) } };
    }
    return handler(request, deps, log);
  };
}

/** The browser-facing part of the authorization flow: /authorize, /consent and Entra's /callback. */
export function registerAuthorizeFunctions(deps: Deps): void {
  const flow: BrowserFlowDeps = browserPageDeps(deps);
  const { rateLimits } = deps;
  const authorize = rateLimitedPage(rateLimits.authorize, rateLimits.trustedHops, handleAuthorize);
  app.http('authorize', { route: 'authorize', methods: ['GET'], authLevel: 'anonymous', handler: browserPage(flow, authorize) });
  app.http('consent', { route: 'consent', methods: ['GET', 'POST'], authLevel: 'anonymous', handler: browserPage(flow, handleConsent) });
  app.http('callback', { route: 'callback', methods: ['GET'], authLevel: 'anonymous', handler: browserPage(flow, handleCallback) });
}
