import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { AuditRecord } from './audit.js';
import { instruments } from './metrics.js';

const tracer = trace.getTracer('entra-mcp-gateway');

/**
 * One span per function invocation (authorize, consent, callback, token, the MCP forward, …), with the
 * invocation id as correlation id. Attributes are ids and outcomes only: never a token, code, cookie or
 * secret (audit records are the only other source, and they hold ids only).
 */
export async function inInvocationSpan<T>(functionName: string, invocationId: string, run: (span: Span) => Promise<T>): Promise<T> {
  const started = performance.now();
  const span = tracer.startSpan(`gateway ${functionName}`, { attributes: { 'faas.name': functionName, 'faas.invocation_id': invocationId } });
  let outcome = 'ok';
  try {
    const result = await run(span);
    const status = (result as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number') {
      span.setAttribute('http.response.status_code', status);
      if (status >= 400) outcome = status >= 500 ? 'error' : 'refused';
    }
    return result;
  } catch (err) {
    outcome = 'error';
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).name });
    throw err;
  } finally {
    span.setAttribute('gateway.outcome', outcome);
    if (outcome !== 'ok' && outcome !== 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    span.end();
    instruments().invocations.record(performance.now() - started, { 'faas.name': functionName, 'gateway.outcome': outcome });
  }
}

/** An audit record as an event on the invocation's span, its ids as span attributes, and a count. */
export function recordAudit(span: Span | undefined, record: AuditRecord): void {
  const attributes = auditAttributes(record);
  instruments().auditEvents.add(1, { 'gateway.audit.event': record.event });
  if (!span) return;
  span.addEvent(`audit ${record.event}`, attributes);
  if (record.clientId) span.setAttribute('gateway.client_id', record.clientId);
  if (record.userId) span.setAttribute('enduser.id', record.userId);
  if (record.tools?.length) span.setAttribute('gateway.tools', [...record.tools]);
}

/** The record's fields as attributes (`gateway.audit.*`), by a closed list of keys. */
export function auditAttributes(record: AuditRecord): Attributes {
  const out: Attributes = { 'gateway.audit.event': record.event };
  for (const key of ['userId', 'tenantId', 'clientId', 'clientName', 'grantId', 'actor', 'reason', 'flow', 'count'] as const) {
    const value = record[key];
    if (value !== undefined) out[`gateway.audit.${key}`] = value;
  }
  if (record.tools) out['gateway.audit.tools'] = [...record.tools];
  if (record.scopes) out['gateway.audit.scopes'] = [...record.scopes];
  return out;
}
