import type { IncomingMessage } from 'node:http';

/**
 * The request's URL against `origin`, reading the request target as a path, as Kestrel does. `new URL(
 * '//mcp', base)` would read `//mcp` as a host name (a scheme-relative reference), so a request for
 * `//mcp` would reach the wrong route; concatenating keeps every leading slash in the path.
 */
export function requestUrl(req: IncomingMessage, origin: string): URL {
  const target = req.url ?? '/';
  const path = target.startsWith('/') ? target : `/${target}`;
  return new URL(origin.replace(/\/+$/, '') + path);
}
