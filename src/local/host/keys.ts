import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The host's keys, shaped like `GET /admin/host/keys`: the master key, host-level function keys (valid for
 * every function, e.g. `{ default: '…' }`) and system keys (e.g. `{ mcp_extension: '…' }`).
 * Undefined means "no key checks", as Core Tools runs locally.
 */
export interface HostKeys {
  master?: string;
  functionKeys?: Record<string, string>;
  systemKeys?: Record<string, string>;
}

export type AuthLevel = 'anonymous' | 'function' | 'admin';

export const mcpExtensionKeyName = 'mcp_extension';

/** The key a request presents: the `x-functions-key` header first, else the `code` query parameter. */
export function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  return url.searchParams.get('code') ?? undefined;
}

/** Whether an HTTP trigger of this auth level may run for the presented key. */
export function authorizesFunction(keys: HostKeys | undefined, level: AuthLevel, presented: string | undefined): boolean {
  if (!keys || level === 'anonymous') return true;
  const candidates = level === 'admin' ? [keys.master] : [keys.master, ...Object.values(keys.functionKeys ?? {})];
  return matchesAny(presented, candidates);
}

/** The MCP extension's webhooks need its system key; the master key also passes. */
export function authorizesMcpExtension(keys: HostKeys | undefined, presented: string | undefined): boolean {
  if (!keys) return true;
  return matchesAny(presented, [keys.master, keys.systemKeys?.[mcpExtensionKeyName]]);
}

/**
 * Compares in constant time: both sides are hashed to equal-length digests first, so neither the
 * key's length nor the position of the first difference leaks, and every candidate is always checked.
 */
function matchesAny(presented: string | undefined, candidates: (string | undefined)[]): boolean {
  if (!presented) return false;
  const digest = sha256(presented);
  let matched = false;
  for (const candidate of candidates) {
    if (candidate && timingSafeEqual(digest, sha256(candidate))) matched = true;
  }
  return matched;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
