/**
 * Strict matching of the gateway's MCP paths. The Functions host matches routes case-insensitively and
 * URL parsers resolve dot segments and percent-encodings, so a path that only *normalises* to `/mcp`
 * (`//mcp`, `/x/../mcp`, `/%2e%2e/mcp`, `/MCP`, `/mcp/`) must not be treated as `/mcp`. We compare the
 * raw path text, byte for byte, with the three protected paths and refuse everything else.
 */
export type McpEndpoint = 'streamable' | 'sse' | 'message';

const EXACT_PATHS: Readonly<Record<string, McpEndpoint>> = {
  '/mcp': 'streamable',
  '/mcp/sse': 'sse',
  '/mcp/message': 'message',
};

/** Methods each endpoint answers; anything else is a 405. */
export const ALLOWED_METHODS: Readonly<Record<McpEndpoint, readonly string[]>> = {
  streamable: ['POST', 'GET', 'DELETE'],
  sse: ['GET'],
  message: ['POST'],
};

/**
 * The raw path of a request URL as it arrived: the text after the authority and before `?` or `#`,
 * without any decoding or dot-segment removal. Accepts an absolute URL or an origin-relative target.
 */
export function rawPathOf(requestUrl: string): string {
  const end = requestUrl.search(/[?#]/);
  const beforeQuery = end === -1 ? requestUrl : requestUrl.slice(0, end);
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/.exec(beforeQuery);
  return authority ? beforeQuery.slice(authority[0].length) : beforeQuery;
}

/**
 * The MCP endpoint a request URL names, or `null` when its raw path is not exactly one of them.
 * As a second guard, the WHATWG parse of the URL must agree with the raw text: if parsing changed the
 * path (dot segments, backslashes, encodings), the request is refused.
 */
export function matchMcpPath(requestUrl: string): McpEndpoint | null {
  const raw = rawPathOf(requestUrl);
  const endpoint = Object.hasOwn(EXACT_PATHS, raw) ? EXACT_PATHS[raw] : undefined;
  if (!endpoint) return null;
  try {
    const parsed = new URL(requestUrl, 'http://gateway.invalid');
    return parsed.pathname === raw ? endpoint : null;
  } catch {
    return null;
  }
}
