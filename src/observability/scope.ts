import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@opentelemetry/api';

/** The part of the Functions `InvocationContext` the observability code uses. */
export interface InvocationScope {
  invocationId: string;
  functionName?: string;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  /** The invocation's span (a no-op span when telemetry is off). */
  span?: Span;
}

const current = new AsyncLocalStorage<InvocationScope>();

/** The invocation the calling code runs in (set by the pre-invocation hook), if any. */
export function currentInvocation(): InvocationScope | undefined {
  return current.getStore();
}

/** Runs `fn` with `scope` as the current invocation (the hook does this for every function). */
export function runInInvocation<T>(scope: InvocationScope, fn: () => T): T {
  return current.run(scope, fn);
}

/** The request's correlation id: the Functions invocation id (App Insights: customDimensions.InvocationId). */
export function correlationId(): string | undefined {
  return current.getStore()?.invocationId;
}

/** A sentence ending with the correlation id for the user to quote, when there is one: `text (correlation id …).` */
export function withCorrelationId(text: string): string {
  const id = correlationId();
  return id ? `${text} (correlation id ${id}).` : `${text}.`;
}
