import type { Cookie } from '@azure/functions';
import { clearedCookie, cookieValue, hostCookie } from '../../web/cookies.js';
import { hashSecret } from '../tokens/opaque.js';

/**
 * The per-flow browser cookies. A flow is named by a short prefix of the SHA-256 of its `state`
 * (never the state itself), so several sign-ins in one browser do not overwrite each other's cookies.
 *
 * - `flow-{id}`: the browser binding; /callback (and the consent POST) must present it, so a flow
 *   started in one browser cannot be finished in another, even with the right `state`.
 * - `csrf-{id}`: the consent form's double-submit CSRF token.
 */
const FLOW_COOKIE_SECONDS = 10 * 60;

/** A short, non-reversible tag for a secret (a flow's state) in logs. */
export function hashPrefix(secret: string): string {
  return hashSecret(secret).slice(0, 8);
}

export function flowId(state: string): string {
  return hashSecret(state).slice(0, 16);
}

export function bindingCookie(state: string, browserBinding: string): Cookie {
  return hostCookie(`flow-${flowId(state)}`, browserBinding, FLOW_COOKIE_SECONDS);
}

export function readBinding(cookies: Record<string, string>, state: string): string | undefined {
  return cookieValue(cookies, `flow-${flowId(state)}`);
}

export function clearedBindingCookie(state: string): Cookie {
  return clearedCookie(`flow-${flowId(state)}`);
}

export function csrfCookie(state: string, token: string): Cookie {
  return hostCookie(`csrf-${flowId(state)}`, token, FLOW_COOKIE_SECONDS);
}

export function readCsrf(cookies: Record<string, string>, state: string): string | undefined {
  return cookieValue(cookies, `csrf-${flowId(state)}`);
}

export function clearedCsrfCookie(state: string): Cookie {
  return clearedCookie(`csrf-${flowId(state)}`);
}
