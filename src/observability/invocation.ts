import { app } from '@azure/functions';
import { countRejection } from './metrics.js';
import { refusalLine, rejectionCode } from './refusals.js';
import { runInInvocation } from './scope.js';
import { inInvocationSpan } from './spans.js';
import { startTelemetry } from './telemetry.js';

let registered = false;

/**
 * Starts telemetry when configured (not awaited: nothing waits on the exporter), and runs every function
 * invocation in its span and scope, so the code it calls reaches the invocation (audit records, log lines
 * and error pages carry its invocation id as the correlation id) without threading it through every
 * signature. A refused request (401, 403) leaves one line with its reason.
 */
export function registerObservability(): void {
  if (registered) return;
  registered = true;
  void startTelemetry();
  app.hook.preInvocation((hook) => {
    const handler = hook.functionHandler;
    const context = hook.invocationContext;
    hook.functionHandler = (...args: Parameters<typeof handler>) =>
      inInvocationSpan(context.functionName, context.invocationId, async (span) => {
        const scope = {
          invocationId: context.invocationId,
          functionName: context.functionName,
          span,
          info: context.info.bind(context),
          warn: context.warn.bind(context),
        };
        const result: unknown = await runInInvocation(scope, () => handler(...args));
        const refused = refusalLine(context.functionName, context.invocationId, result);
        if (refused) context.warn(refused);
        const rejected = rejectionCode(result);
        if (rejected) countRejection(context.functionName, rejected.status, rejected.error);
        return result;
      });
  });
}
