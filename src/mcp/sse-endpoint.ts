import { openClaims, sealClaims, type RingKey } from './sealed.js';
import type { McpPrincipal } from './authenticate.js';

/**
 * The legacy SSE transport's message endpoint, as the client sees it. The extension announces
 * `message?azmcpcs=<state>[&code=<key>]` relative to its own URL; the client instead gets
 * `/mcp/message?session=<sealed>` (root-relative, so it resolves against whatever origin the client
 * connected to), where `<sealed>` is a JWE holding the extension's query (without `code`) and the owner
 * of the stream. A POST to /mcp/message is forwarded only for that same owner (same grant, or same
 * Entra user), because over SSE the tool runs with the identity of whoever opened the GET: without
 * this binding, anyone who learnt a session id could run tools as that user.
 */
export const ENDPOINT_TYP = 'mcp-sse-endpoint+jwt';
export const MESSAGE_PATH = '/mcp/message';
export const SESSION_PARAM = 'session';

export function sessionOwner(principal: McpPrincipal): string {
  return principal.kind === 'grant' ? `grant:${principal.grantId}` : `entra:${principal.tid}:${principal.oid}`;
}

export interface EndpointContext {
  ring: readonly RingKey[];
  /** The extension URL the GET went to (`…/runtime/webhooks/mcp/sse`). */
  upstreamSseUrl: string;
  /** The extension's message URL every announced endpoint must resolve to (`…/runtime/webhooks/mcp/message`). */
  upstreamMessageUrl: string;
  owner: string;
  expiresAtSeconds: number;
}

/** The rewritten `endpoint` event data. Throws when the extension announced anything but its message URL. */
export async function rewriteEndpointData(data: string, context: EndpointContext): Promise<string> {
  const announced = new URL(data.trim(), context.upstreamSseUrl);
  const expected = new URL(context.upstreamMessageUrl);
  if (announced.origin !== expected.origin || announced.pathname.toLowerCase() !== expected.pathname.toLowerCase()) {
    throw new Error('the extension announced an unexpected message endpoint');
  }
  const query = new URLSearchParams();
  announced.searchParams.forEach((value, name) => {
    if (name.toLowerCase() !== 'code') query.append(name, value);
  });
  const sealed = await sealClaims(context.ring, ENDPOINT_TYP, { q: query.toString(), own: context.owner }, context.expiresAtSeconds);
  return `${MESSAGE_PATH}?${SESSION_PARAM}=${sealed}`;
}

/**
 * The extension's query for a POST to /mcp/message, or `undefined` when the session value is missing,
 * expired, altered, or belongs to another owner.
 */
export async function upstreamMessageQuery(ring: readonly RingKey[], sealed: string | null, owner: string, nowMs: number): Promise<string | undefined> {
  if (!sealed) return undefined;
  try {
    const claims = await openClaims(ring, ENDPOINT_TYP, sealed, nowMs);
    if (claims.own !== owner || typeof claims.q !== 'string') return undefined;
    return claims.q;
  } catch {
    return undefined;
  }
}
