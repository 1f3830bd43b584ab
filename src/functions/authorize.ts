import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import type { Deps } from '../deps.js';
import { handleAuthorize } from '../oauth/authorize.js';
import { handleCallback } from '../oauth/callback.js';
import { handleConsent } from '../oauth/consent.js';
import type { BrowserFlowDeps, FlowLog } from '../oauth/flow/deps.js';
import { ServerError } from '../oauth/errors.js';
import { errorPage } from '../oauth/flow/pages.js';
import { retryAfterHeader, storeUnavailableError } from '../http/respond.js';
import { isStoreUnavailable } from '../store/availability.js';
import { clientAddress } from '../http/client-address.js';
import { TooManyRequestsError } from '../http/rate-limit.js';
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

/** The browser-facing part of the authorization flow: /authorize, /consent and Entra's /callback. */
export function registerAuthorizeFunctions(deps: Deps): void {
  const flow: BrowserFlowDeps = browserPageDeps(deps);
  const page = (handler: typeof handleAuthorize) => async (request: HttpRequest, context: InvocationContext) => {
    const log: FlowLog = { info: (m) => context.log(m), warn: (m) => context.warn(m) };
    try {
      return await handler(request, flow, log);
    } catch (err) {
      if (isStoreUnavailable(err)) {
        context.warn(`${context.functionName}: Cosmos DB is unavailable; answered 503`);
        const page = errorPage(storeUnavailableError());
        return { ...page, headers: { ...page.headers, ...retryAfterHeader() } };
      }
      // Details to the log only (they never hold a token: the handlers do not put any in errors).
      const readable = describeFailure(err);
      if (readable) context.error(withCorrelationId(`${context.functionName}: ${readable}`));
      else context.error(withCorrelationId(`${context.functionName}: unexpected error`), err);
      return errorPage(new ServerError(withCorrelationId('The server hit an unexpected error. Start the sign-in again; if it persists, tell the operator')));
    }
  };

  const { rateLimits } = deps;
  const authorize: typeof handleAuthorize = async (request, flowDeps, log) => {
    try {
      rateLimits.authorize.take(clientAddress(request.headers, rateLimits.trustedHops));
    } catch (err) {
      if (!(err instanceof TooManyRequestsError)) throw err;
      log.warn('authorize: rate limit reached for a client address');
      const refused = errorPage(err, 429);
      return { ...refused, headers: { ...refused.headers, 'Retry-After': String(err.retryAfterSeconds) } };
    }
    return handleAuthorize(request, flowDeps, log);
  };
  app.http('authorize', { route: 'authorize', methods: ['GET'], authLevel: 'anonymous', handler: page(authorize) });
  app.http('consent', { route: 'consent', methods: ['GET', 'POST'], authLevel: 'anonymous', handler: page(handleConsent) });
  app.http('callback', { route: 'callback', methods: ['GET'], authLevel: 'anonymous', handler: page(handleCallback) });
}
