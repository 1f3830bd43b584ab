import { randomUUID } from 'node:crypto';
import type { LoadedApp } from './app-loader.js';
import {
  getCoreState,
  type CoreInvocationContext,
  type FunctionCallback,
  type RegisteredFunction,
  type RpcInvocationResponse,
  type RpcParameterBinding,
  type RpcTypedData,
} from './functions-core.cjs';

export type HostLog = (level: string, message: string) => void;

export interface InvocationInput {
  invocationId?: string;
  inputData: RpcParameterBinding[];
  triggerMetadata: Record<string, RpcTypedData>;
}

export interface InvocationOutcome {
  invocationId: string;
  result: unknown;
  response: RpcInvocationResponse;
}

/**
 * Runs one invocation the way the Node worker does: the library's invocation model turns the RPC request
 * into its own arguments, runs the handler (with any pre/post invocation hooks) and converts the result.
 * Rejects when the handler throws, as the invocation then fails.
 */
export async function invoke(app: LoadedApp, fn: RegisteredFunction, input: InvocationInput, log: HostLog): Promise<InvocationOutcome> {
  const invocationId = input.invocationId ?? randomUUID();
  const name = fn.metadata.name;
  const coreContext: CoreInvocationContext = {
    invocationId,
    request: { invocationId, functionId: name, inputData: input.inputData, triggerMetadata: input.triggerMetadata },
    metadata: fn.metadata,
    log: (level, category, message) => log(level, `[${name}]${category === 'system' ? ' [system]' : ''} ${message}`),
  };
  const started = Date.now();
  log('information', `Executing 'Functions.${name}' (Id=${invocationId})`);
  try {
    const model = app.model.getInvocationModel(coreContext);
    const { context, inputs } = await model.getArguments();
    const result = await runWithHooks(coreContext, context, inputs, fn.callback, (handler, args) => model.invokeFunction(context, args, handler));
    const response = await model.getResponse(context, result);
    log('information', `Executed 'Functions.${name}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms)`);
    return { invocationId, result, response };
  } catch (error) {
    log('error', `Executed 'Functions.${name}' (Failed, Id=${invocationId}, Duration=${Date.now() - started}ms): ${describe(error)}`);
    throw error;
  }
}

type Invoker = (handler: FunctionCallback, inputs: unknown[]) => Promise<unknown>;

/** Pre-invocation hooks may replace the handler and inputs; post-invocation hooks may replace the result or error. */
async function runWithHooks(
  coreContext: CoreInvocationContext,
  invocationContext: unknown,
  inputs: unknown[],
  callback: FunctionCallback,
  run: Invoker,
): Promise<unknown> {
  const hooks = getCoreState().hooks;
  const hookData: Record<string, unknown> = {};
  const pre: Record<string, unknown> = { invocationContext, inputs, functionCallback: callback, hookData };
  coreContext.state = 'preInvocationHooks';
  for (const hook of hooks.get('preInvocation') ?? []) await hook(pre);
  coreContext.state = 'invocation';
  const post: Record<string, unknown> = { invocationContext, inputs: pre.inputs, hookData };
  try {
    post.result = await run(pre.functionCallback as FunctionCallback, pre.inputs as unknown[]);
  } catch (error) {
    post.error = error;
  }
  coreContext.state = 'postInvocationHooks';
  for (const hook of hooks.get('postInvocation') ?? []) await hook(post);
  if (post.error !== undefined && post.error !== null) throw post.error;
  return post.result;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
