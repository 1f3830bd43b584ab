/**
 * The `Origin` check of the MCP transports (MCP spec, streamable HTTP "Security warning"): a browser
 * page on another site, or a DNS-rebinding page, must not drive the MCP endpoints with a user's ambient
 * network position. A request *with* an `Origin` that is not allowed is refused (403); a request without
 * one (every non-browser MCP client) is served, since bearer tokens, not cookies, authenticate it.
 *
 * Allowed: the gateway's own origin and the configured list (`MCP_ALLOWED_ORIGINS`), compared as
 * serialised origins (scheme, host and port, lower case). `Origin: null` (sandboxed frames, file pages)
 * is never allowed.
 */
export function createOriginPolicy(baseUrl: string, configured: readonly string[]): (origin: string | null) => boolean {
  const allowed = new Set([new URL(baseUrl).origin, ...configured.map((o) => new URL(o).origin)]);
  return (origin) => origin === null || allowed.has(origin.trim().toLowerCase());
}
