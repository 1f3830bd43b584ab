import type { HttpInput, HttpOutput } from './types.js';

/**
 * CORS for the routes a browser-based MCP client (MCP Inspector) calls directly: metadata, register,
 * token and revoke. `*` is safe there because none of them uses cookies or ambient credentials: a
 * cross-origin caller gets nothing it could not get with curl. No `Allow-Credentials`, and no headers
 * are exposed beyond the CORS-safelisted ones.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
};

const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  ...CORS_HEADERS,
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization, MCP-Protocol-Version',
  'Access-Control-Max-Age': '86400',
};

/** The answer to an `OPTIONS` preflight: 204, no body. */
export function preflightResponse(): HttpOutput {
  return { status: 204, headers: { ...PREFLIGHT_HEADERS } };
}

export function isPreflight(request: HttpInput): boolean {
  return request.method.toUpperCase() === 'OPTIONS';
}

/** Adds the CORS response headers to an actual (non-preflight) response. */
export function withCors(response: HttpOutput): HttpOutput {
  return { ...response, headers: { ...response.headers, ...CORS_HEADERS } };
}
