import { app } from '@azure/functions';
import { runInInvocation } from './scope.js';

let registered = false;

/**
 * Makes each function's invocation context reachable from the code it calls (audit records, log lines
 * and error pages carry its invocation id as the correlation id) without threading it through every
 * signature.
 */
export function registerInvocationScope(): void {
  if (registered) return;
  registered = true;
  app.hook.preInvocation((hook) => {
    const handler = hook.functionHandler;
    const context = hook.invocationContext;
    hook.functionHandler = (...args: Parameters<typeof handler>) => runInInvocation(context, () => handler(...args));
  });
}
