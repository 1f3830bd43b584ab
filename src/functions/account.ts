import { app, type HttpRequest, type InvocationContext } from '@azure/functions';
import { handleAccount, type AccountDeps } from '../account/handler.js';
import type { Deps } from '../deps.js';
import { browserPageDeps } from './authorize.js';
import { ServerError } from '../oauth/errors.js';
import type { FlowLog } from '../oauth/flow/deps.js';
import { errorPage } from '../oauth/flow/pages.js';

/** GET, POST /account: the signed-in user's connected MCP clients, each revocable (src/account/). */
export function registerAccountFunctions(deps: Deps): void {
  const account: AccountDeps = browserPageDeps(deps);
  app.http('account', {
    route: 'account',
    methods: ['GET', 'POST'],
    authLevel: 'anonymous',
    handler: async (request: HttpRequest, context: InvocationContext) => {
      const log: FlowLog = { info: (m) => context.log(m), warn: (m) => context.warn(m) };
      try {
        return await handleAccount(request, account, log);
      } catch (err) {
        // Details to the log only (the handler never puts a token in an error).
        context.error('account: unexpected error', err);
        return errorPage(new ServerError('The server hit an unexpected error. Open /account again; if it persists, tell the operator.'));
      }
    },
  });
}
