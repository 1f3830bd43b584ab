import { app } from '@azure/functions';
import { handleAccount, type AccountDeps } from '../account/handler.js';
import type { Deps } from '../deps.js';
import { browserPage, browserPageDeps, rateLimitedPage } from './authorize.js';

/**
 * GET, POST /account: the signed-in user's connected MCP clients, each revocable (src/account/). A visit
 * without a session starts an Entra sign-in (a pending authorization in Cosmos), so it shares /authorize's
 * rate limit per client address.
 */
export function registerAccountFunctions(deps: Deps): void {
  const account: AccountDeps = browserPageDeps(deps);
  const { rateLimits } = deps;
  app.http('account', {
    route: 'account',
    methods: ['GET', 'POST'],
    authLevel: 'anonymous',
    handler: browserPage(account, rateLimitedPage(rateLimits.authorize, rateLimits.trustedHops, handleAccount)),
  });
}
