import type { IncomingHttpHeaders } from 'node:http';

/**
 * Which headers cross the gateway, in each direction. A deny-list rather than an allow-list, because
 * the extension hands the tool every request header (a tool may want `User-Agent` or
 * `MCP-Protocol-Version`); what is denied is what must not reach the extension or the client.
 */

/** RFC 9110 §7.6.1 hop-by-hop headers, plus framing headers that each hop sets for itself. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/** Prefix of the headers only the gateway may set; a client's copy is dropped so it cannot forge one. */
export const GATEWAY_HEADER_PREFIX = 'x-mcp-gateway-';

/**
 * A header name as the tool side matches it: lower case, without `-` and `_`. The extension may hand the
 * tool the headers under renamed keys (camel-cased), so the tool matches names this loosely; the gateway
 * must strip client headers with the same normalisation, or `x_mcp_gateway_session` would slip through
 * the prefix check and reach the tool as a second session header.
 */
export function normaliseHeaderName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

const GATEWAY_HEADER_KEY = normaliseHeaderName(GATEWAY_HEADER_PREFIX);

/** True for any spelling of a gateway-only header (`X-MCP-Gateway-…`, `x_mcp_gateway_…`, `xmcpgateway…`). */
export function isGatewayHeader(name: string): boolean {
  return normaliseHeaderName(name).startsWith(GATEWAY_HEADER_KEY);
}

/**
 * Never forwarded to the extension: the client's credentials (no token passthrough: the tool gets the
 * Entra token through the gateway's session header instead), the client's attempt at the extension's
 * key, the browser's cookies, and `accept-encoding` (the SSE endpoint rewriting reads the reply as
 * text, so it must arrive uncompressed).
 */
const REQUEST_DENIED = new Set(['authorization', 'cookie', 'x-functions-key', 'accept-encoding']);

/** Never relayed to the client: upstream cookies (host affinity) and the extension's key. */
const RESPONSE_DENIED = new Set(['set-cookie', 'x-functions-key']);

/** Header names listed in `Connection` are hop-by-hop for this hop too (RFC 9110 §7.6.1). */
function connectionListed(listed: string | null | undefined): Set<string> {
  return new Set(
    (listed ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** The headers the extension receives: the client's, filtered, plus the gateway's own. */
export function upstreamRequestHeaders(incoming: Headers, gatewayHeaders: Record<string, string>): Record<string, string> {
  const listed = connectionListed(incoming.get('connection'));
  const out: Record<string, string> = {};
  incoming.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || REQUEST_DENIED.has(lower) || listed.has(lower)) return;
    if (isGatewayHeader(lower)) return;
    out[lower] = value;
  });
  return Object.assign(out, gatewayHeaders);
}

/** The headers the client receives from the extension's reply (as `node:http` parsed them: lower case). */
export function clientResponseHeaders(upstream: IncomingHttpHeaders): Headers {
  const listed = connectionListed(upstream.connection);
  const out = new Headers();
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || RESPONSE_DENIED.has(name) || listed.has(name)) continue;
    if (isGatewayHeader(name)) continue;
    if (Array.isArray(value)) for (const item of value) out.append(name, item);
    else out.set(name, value);
  }
  return out;
}

/** The client's query string without `code`, the Functions key parameter (the gateway adds its own key as a header). */
export function upstreamQuery(incoming: URLSearchParams, drop: readonly string[] = []): string {
  const out = new URLSearchParams();
  incoming.forEach((value, name) => {
    if (name.toLowerCase() === 'code' || drop.includes(name)) return;
    out.append(name, value);
  });
  const text = out.toString();
  return text ? `?${text}` : '';
}
