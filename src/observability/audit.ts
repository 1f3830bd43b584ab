import { currentInvocation } from './scope.js';
import { recordAudit } from './spans.js';

/**
 * The audit trail: security-relevant decisions as structured records. Each is one log line
 * `audit {json}` through the invocation's logger (Application Insights: a trace whose message starts
 * with "audit "; docs/operations.md has the queries), and goes to any listener (telemetry, tests).
 *
 * Records carry ids only (user object id, tenant, client id, grant id), a reason and the correlation id:
 * never a token, code, cookie or secret, which is why the fields are a closed list.
 */
export type AuditEvent =
  'client.registered' | 'consent.given' | 'grant.created' | 'refresh.reuse_detected' | 'grant.revoked' | 'client.revoked' | 'step_up.refused';

export interface AuditFields {
  /** The user the event concerns (Entra object id). */
  userId?: string;
  tenantId?: string;
  clientId?: string;
  /** The name a client registered with (its own claim, shown on the consent page). */
  clientName?: string;
  grantId?: string;
  /** Who acted, when not the user: e.g. the administrator's object id. */
  actor?: string;
  reason?: string;
  /** Hash prefix of the authorization flow's state (the one the flow lines already show). */
  flow?: string;
  tools?: readonly string[];
  scopes?: readonly string[];
  count?: number;
}

export interface AuditRecord extends AuditFields {
  event: AuditEvent;
  /** ISO 8601. */
  at: string;
  /** The Functions invocation id of the request that decided. */
  correlationId?: string;
}

type Listener = (record: AuditRecord) => void;
const listeners = new Set<Listener>();

/** Subscribes to audit records (telemetry, tests); returns the unsubscribe function. */
export function onAudit(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Records one decision. Never throws: an audit sink that fails must not fail the request. */
export function audit(event: AuditEvent, fields: AuditFields = {}, now: () => number = Date.now): void {
  const invocation = currentInvocation();
  const record: AuditRecord = { event, at: new Date(now()).toISOString(), ...bounded(fields), correlationId: invocation?.invocationId };
  for (const listener of listeners) {
    try {
      listener(record);
    } catch {
      // a listener's failure is its own
    }
  }
  recordAudit(invocation?.span, record);
  invocation?.info(`audit ${JSON.stringify(record)}`);
}

/** Free text (client names, reasons) is cut short; lists too. */
function bounded(fields: AuditFields): AuditFields {
  const cut = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
  const out: AuditFields = { ...fields };
  for (const key of ['userId', 'tenantId', 'clientId', 'clientName', 'grantId', 'actor', 'reason', 'flow'] as const) {
    const value = out[key];
    if (typeof value === 'string') out[key] = cut(value);
  }
  if (out.tools) out.tools = out.tools.slice(0, 20).map(cut);
  if (out.scopes) out.scopes = out.scopes.slice(0, 20).map(cut);
  return out;
}
