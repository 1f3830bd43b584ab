import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Small pieces of the extension's HTTP behaviour shared by both MCP transports.
 */

/** A `{"jsonrpc":"2.0","id":"","error":{…}}` body, as the extension writes its transport errors. */
export function writeJsonRpcError(res: ServerResponse, status: number, message: string, code = -32000): void {
  const body = JSON.stringify({ jsonrpc: '2.0', id: '', error: { code, message } });
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(body);
}

/** ASP.NET's `Results.BadRequest(string)` serialises the message as a JSON string. */
export function writeBadRequest(res: ServerResponse, message: string): void {
  res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(message));
}

/** Response headers of the extension's event streams. */
export const eventStreamHeaders = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache,no-store' } as const;

/** Whether an Accept header admits a media type (`*\/*` and `type/*` ranges included). */
export function accepts(acceptHeader: string | undefined, mediaType: string): boolean {
  if (!acceptHeader) return false;
  const [type, subtype] = mediaType.split('/');
  return acceptHeader.split(',').some((range) => {
    // Parameters, q included, are ignored, as ASP.NET's MatchesMediaType does.
    const [t, s] = (range.split(';')[0] ?? '').trim().toLowerCase().split('/');
    return (t === '*' || t === type) && (s === '*' || s === subtype);
  });
}

const idAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** 16 random `[a-z0-9]`, the extension's client and instance id shape. */
export function createId(): string {
  let id = '';
  for (let i = 0; i < 16; i++) id += idAlphabet[randomInt(idAlphabet.length)];
  return id;
}

/**
 * Client state `<clientId>|<instanceId>`: the `Mcp-Session-Id` of streamable HTTP and the `azmcpcs`
 * query of SSE. (In Azure it is encrypted; locally nothing depends on its secrecy.)
 */
export function formatClientState(clientId: string, instanceId: string): string {
  return `${clientId}|${instanceId}`;
}

export function parseClientState(state: string): { clientId: string; instanceId: string } | undefined {
  const parts = state.split('|');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { clientId: parts[0], instanceId: parts[1] };
}

/** Kestrel reports well-known request headers under their canonical names, others as the client sent them. */
const canonicalNames = new Map(
  [
    'Accept',
    'Accept-Charset',
    'Accept-Encoding',
    'Accept-Language',
    'Authorization',
    'Baggage',
    'Cache-Control',
    'Connection',
    'Content-Encoding',
    'Content-Length',
    'Content-Type',
    'Cookie',
    'Expect',
    'Host',
    'If-Match',
    'If-Modified-Since',
    'If-None-Match',
    'If-Range',
    'If-Unmodified-Since',
    'Keep-Alive',
    'Max-Forwards',
    'Origin',
    'Pragma',
    'Proxy-Authorization',
    'Range',
    'Referer',
    'Request-Id',
    'TE',
    'Traceparent',
    'Tracestate',
    'Transfer-Encoding',
    'Upgrade',
    'Upgrade-Insecure-Requests',
    'User-Agent',
    'Via',
  ].map((name) => [name.toLowerCase(), name]),
);

/**
 * All request headers as the extension gives them to a tool: one entry per header name (compared
 * case-insensitively), several values joined with ','. Tools should look names up case-insensitively.
 */
export function headersForTool(req: IncomingMessage): Record<string, string> {
  const result: Record<string, string> = {};
  const keyOf = new Map<string, string>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    const lower = name.toLowerCase();
    const key = keyOf.get(lower) ?? canonicalNames.get(lower) ?? name;
    keyOf.set(lower, key);
    result[key] = key in result ? `${result[key]},${value}` : value;
  }
  return result;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}
