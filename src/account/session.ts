import type { Cookie } from '@azure/functions';
import type { GrantUser } from '../store/grants.js';
import { clearedCookie, cookieValue, hostCookie } from '../web/cookies.js';
import { newCsrfToken } from '../web/csrf.js';
import type { SignedValueCodec } from '../web/signed.js';

/**
 * The account page's session: a signed `__Host-mcp-account` cookie (HS256 with COOKIE_SECRET, its own
 * `aud`, so no other signed value of the gateway passes for it) holding who signed in and the page's
 * CSRF token. Like the consent cookies: Secure, HttpOnly, SameSite=Lax, Path=/. Short-lived: the page
 * can end sessions, so a forgotten browser tab must not keep that power long.
 */
export const ACCOUNT_COOKIE = 'account';
export const ACCOUNT_SESSION_SECONDS = 15 * 60;

export interface AccountSession {
  oid: string;
  tid: string;
  name?: string;
  username?: string;
  /** Synchronizer token for the page's forms (the cookie is HttpOnly, so another site cannot read it). */
  csrf: string;
}

export async function accountSessionCookie(signed: SignedValueCodec, user: GrantUser, nowMs: number): Promise<Cookie> {
  const claims = { oid: user.oid, tid: user.tid, name: user.name, username: user.username, csrf: newCsrfToken() };
  const value = await signed.sign('account', claims, ACCOUNT_SESSION_SECONDS, nowMs);
  return hostCookie(ACCOUNT_COOKIE, value, ACCOUNT_SESSION_SECONDS);
}

export function clearedAccountCookie(): Cookie {
  return clearedCookie(ACCOUNT_COOKIE);
}

/** The session in the request's cookies, or undefined when absent, forged, expired or malformed. */
export async function readAccountSession(signed: SignedValueCodec, cookies: Record<string, string>, nowMs: number): Promise<AccountSession | undefined> {
  const claims = await signed.verify('account', cookieValue(cookies, ACCOUNT_COOKIE), nowMs);
  if (!claims) return undefined;
  const { oid, tid, name, username, csrf } = claims;
  if (typeof oid !== 'string' || typeof tid !== 'string' || typeof csrf !== 'string') return undefined;
  return {
    oid,
    tid,
    csrf,
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof username === 'string' ? { username } : {}),
  };
}
