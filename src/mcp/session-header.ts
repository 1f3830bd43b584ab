import type { JWTPayload } from 'jose';
import { OpenedCache } from '../crypto/opened-cache.js';
import { openClaims, sealClaims, type RingKey } from './sealed.js';
import type { McpPrincipal } from './authenticate.js';

/**
 * The one header the gateway adds for the tools (`x-mcp-gateway-session`). It names the session, not
 * the Entra token: a JWE (dir + A256GCM under the key ring) holding
 *
 * - for a gateway session: the grant id and the grant's data key (what the grant needs to decrypt its
 *   Entra tokens at rest) and the user as the grant recorded it, so the tool asks the grant service
 *   (`entraAccessToken(grantId, key)`), which refuses a revoked or ended grant and returns a current
 *   Entra token, renewed server-side when near expiry. Over SSE the tool sees the headers of
 *   the `GET /sse` for the whole session, so this value outlives the access token that opened it: it
 *   expires after `maxLifetimeSeconds` (the grant's idle lifetime), and the grant check on every use is
 *   what actually ends it.
 * - for a direct Entra token (no grant): the Entra token itself, expiring with it.
 *
 * The client never sees this header (the gateway strips any client-supplied `x-mcp-gateway-*`).
 */
export const SESSION_HEADER = 'x-mcp-gateway-session';
export const SESSION_TYP = 'mcp-tool-session+jwt';

interface CommonClaims {
  sub: string;
  tid: string;
  cid: string;
  scope: string;
}
/** The user as the grant recorded it at sign-in (a direct Entra token carries these itself). */
interface UserClaims {
  name?: string;
  upn?: string;
  roles: string[];
  groups: string[];
}
interface GrantClaims extends CommonClaims, UserClaims {
  k: 'grant';
  sid: string;
  gk: string;
}
interface EntraClaims extends CommonClaims {
  k: 'entra';
  at: string;
}

export interface SessionUser {
  name?: string;
  username?: string;
  roles: string[];
  groups: string[];
}

export type ToolSession =
  | { kind: 'grant'; oid: string; tid: string; clientId: string; scopes: string[]; grantId: string; grantKey: Uint8Array; user: SessionUser }
  | { kind: 'entra'; oid: string; tid: string; clientId: string; scopes: string[]; entraToken: string; expiresAt: number };

export async function sealToolSession(ring: readonly RingKey[], principal: McpPrincipal, nowMs: number, maxLifetimeSeconds: number): Promise<string> {
  const exp = principal.kind === 'entra' ? principal.expiresAt : Math.floor(nowMs / 1000) + maxLifetimeSeconds;
  return sealClaims(ring, SESSION_TYP, { ...sessionClaims(principal) }, exp);
}

/** What the header holds for `principal` (without `iat`/`exp`, which sealing adds). */
function sessionClaims(principal: McpPrincipal): GrantClaims | EntraClaims {
  const common: CommonClaims = { sub: principal.oid, tid: principal.tid, cid: principal.clientId, scope: principal.scopes.join(' ') };
  if (principal.kind === 'grant') {
    return {
      ...common,
      k: 'grant',
      sid: principal.grantId,
      gk: Buffer.from(principal.grantKey).toString('base64url'),
      ...(principal.name !== undefined ? { name: principal.name } : {}),
      ...(principal.username !== undefined ? { upn: principal.username } : {}),
      roles: principal.roles,
      groups: principal.groups,
    };
  }
  return { ...common, k: 'entra', at: principal.entraToken };
}

/** How long the gateway reuses one sealed header for the same session (it is sealed per request otherwise). */
export const SESSION_HEADER_REUSE_MS = 60_000;

/**
 * `sealToolSession` for the gateway's hot path: the same session (same claims) gets the same sealed value
 * for up to `SESSION_HEADER_REUSE_MS`, instead of a fresh AES-GCM encryption per request. The value's
 * `exp` is then at most that much earlier than a fresh one's, and never later; a direct Entra token's
 * value is never reused past the token's own expiry.
 */
export function createToolSessionSealer(ring: readonly RingKey[], maxLifetimeSeconds: number, maxEntries = 10_000) {
  const sealedFor = new OpenedCache<string>(maxEntries);
  return async (principal: McpPrincipal, nowMs: number): Promise<string> => {
    const key = OpenedCache.key(JSON.stringify(sessionClaims(principal)));
    const reused = sealedFor.get(key, nowMs);
    if (reused) return reused;
    const sealed = await sealToolSession(ring, principal, nowMs, maxLifetimeSeconds);
    const expiresAtMs = (principal.kind === 'entra' ? principal.expiresAt : Math.floor(nowMs / 1000) + maxLifetimeSeconds) * 1000;
    sealedFor.set(key, sealed, Math.min(nowMs + SESSION_HEADER_REUSE_MS, expiresAtMs));
    return sealed;
  };
}

/** Throws `SealedValueError` when the value is expired, altered or not a tool session. */
export async function openToolSession(ring: readonly RingKey[], sealed: string, nowMs: number): Promise<ToolSession> {
  return parseToolSession(await openClaims(ring, SESSION_TYP, sealed, nowMs));
}

function parseToolSession(payload: JWTPayload): ToolSession {
  const text = (name: string): string => {
    const value = payload[name];
    if (typeof value !== 'string') throw new TypeError(`the tool session lacks "${name}"`);
    return value;
  };
  const common = { oid: text('sub'), tid: text('tid'), clientId: text('cid'), scopes: text('scope').split(' ').filter(Boolean) };
  if (payload.k === 'grant') {
    const grantKey = new Uint8Array(Buffer.from(text('gk'), 'base64url'));
    if (grantKey.length !== 32) throw new TypeError('the tool session carries a malformed grant key');
    const list = (name: string) => (Array.isArray(payload[name]) ? (payload[name] as unknown[]).filter((v): v is string => typeof v === 'string') : []);
    const optional = (name: string) => (typeof payload[name] === 'string' ? (payload[name] as string) : undefined);
    const user: SessionUser = { name: optional('name'), username: optional('upn'), roles: list('roles'), groups: list('groups') };
    return { kind: 'grant', ...common, grantId: text('sid'), grantKey, user };
  }
  if (payload.k === 'entra') return { kind: 'entra', ...common, entraToken: text('at'), expiresAt: payload.exp as number };
  throw new TypeError('the tool session is of an unknown kind');
}
