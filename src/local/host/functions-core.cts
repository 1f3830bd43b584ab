/**
 * Stand-in for `@azure/functions-core`, the module the Node Functions worker injects at run time.
 * `@azure/functions` lazily `require`s it and calls `setProgrammingModel`, `registerFunction`,
 * `registerHook` and `log`; this file captures those calls for the local host.
 *
 * It is CommonJS (emitted as `.cjs`) because the library `require`s it. The state lives on `globalThis`
 * under a `Symbol.for` key so that every copy of this module (jest's registry, Node's, the host's own
 * import) sees the same registrations.
 */

// ---- The RPC shapes the worker and the library exchange (only the fields this host uses). ----

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
}

export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: { value?: string | null } | null;
  path?: { value?: string | null } | null;
  expires?: { value?: { seconds?: number | string | null } | null } | null;
  secure?: { value?: boolean | null } | null;
  httpOnly?: { value?: boolean | null } | null;
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone' | null;
  maxAge?: { value?: number | null } | null;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  query?: Record<string, string> | null;
  params?: Record<string, string> | null;
  body?: RpcTypedData | null;
  statusCode?: string | null;
  cookies?: RpcHttpCookie[] | null;
}

export interface RpcBindingInfo {
  type?: string | null;
  direction?: 'in' | 'out' | 'inout' | null;
  [property: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export interface RpcParameterBinding {
  name: string;
  data?: RpcTypedData | null;
}

export interface RpcInvocationRequest {
  invocationId: string;
  functionId?: string;
  inputData: RpcParameterBinding[];
  triggerMetadata: Record<string, RpcTypedData>;
}

export interface RpcInvocationResponse {
  invocationId: string;
  outputData?: RpcParameterBinding[];
  returnValue?: RpcTypedData | null;
}

export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type RpcLogCategory = 'user' | 'system' | 'customMetric';

export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: FunctionMetadata;
  state?: 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export interface InvocationArguments {
  context: unknown;
  inputs: unknown[];
}

export interface InvocationModel {
  getArguments(): Promise<InvocationArguments>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel;
  getCapabilities(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

/** A function handler as the library registers it; its arguments are the library's own objects. */
export type FunctionCallback = (...args: unknown[]) => unknown;
export type HookCallback = (context: Record<string, unknown>) => unknown;

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export interface Disposable {
  dispose(): void;
}

// ---- Shared state ----

export interface CoreState {
  programmingModel?: ProgrammingModel;
  functions: RegisteredFunction[];
  hooks: Map<string, HookCallback[]>;
  /** Where system logs go; the host that started last and is still open sets it. */
  logSinks: ((level: string, message: string) => void)[];
  /** Anything the host wants to keep per process (loaded apps, capabilities); see app-loader.ts. */
  host: Map<string, unknown>;
}

const stateKey = Symbol.for('entra-mcp-gateway.local-host.functions-core');

export function getCoreState(): CoreState {
  const holder = globalThis as typeof globalThis & { [stateKey]?: CoreState };
  holder[stateKey] ??= { functions: [], hooks: new Map(), logSinks: [], host: new Map() };
  return holder[stateKey];
}

// ---- The members `@azure/functions` calls ----

/** Worker version reported to the library; HTTP streaming needs a worker that has `log`. */
export const version = '3.10.1';

export function setProgrammingModel(model: ProgrammingModel): void {
  getCoreState().programmingModel = model;
}

export function getProgrammingModel(): ProgrammingModel | undefined {
  return getCoreState().programmingModel;
}

export function registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  const entry: RegisteredFunction = { metadata, callback };
  const { functions } = getCoreState();
  functions.push(entry);
  return { dispose: () => removeItem(functions, entry) };
}

export function registerHook(hookName: string, callback: HookCallback): Disposable {
  const { hooks } = getCoreState();
  const list = hooks.get(hookName) ?? [];
  list.push(callback);
  hooks.set(hookName, list);
  return { dispose: () => removeItem(list, callback) };
}

function removeItem<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}

export function log(level: RpcLogLevel, category: RpcLogCategory, message: string): void {
  const sinks = getCoreState().logSinks;
  const sink = sinks[sinks.length - 1];
  if (sink) sink(level, `[${category}] ${message}`);
  else if (level === 'error' || level === 'critical' || level === 'warning') console.error(`[${level}] ${message}`);
}
