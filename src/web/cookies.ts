import type { Cookie } from '@azure/functions';
import { parse as parseCookieHeader } from 'cookie';

/**
 * The gateway's browser cookies. All are `__Host-` cookies: Secure, Path=/, no Domain, so no other
 * host or path can set or overwrite them; HttpOnly so page scripts never read them; SameSite=Lax so
 * they travel on Entra's top-level redirect back to /callback but not on cross-site POSTs.
 *
 * `Secure` stays on for the local stack on http://localhost: Chromium and Firefox treat
 * http://localhost as a secure context and store such cookies there (other hosts over http would not).
 */
export const COOKIE_PREFIX = '__Host-mcp-';

/** The request's cookies by name (first value wins for a repeated name, as browsers order by path). */
export function readCookies(request: { readonly headers: Headers }): Record<string, string> {
  const header = request.headers.get('cookie');
  if (!header) return {};
  const parsed = parseCookieHeader(header) as Record<string, string | undefined>;
  const cookies: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (value !== undefined) cookies[name] = value;
  return cookies;
}

/** A `__Host-` cookie to set for `maxAgeSeconds`. */
export function hostCookie(name: string, value: string, maxAgeSeconds: number): Cookie {
  return { name: COOKIE_PREFIX + name, value, path: '/', secure: true, httpOnly: true, sameSite: 'Lax', maxAge: maxAgeSeconds };
}

/** Tells the browser to drop a `__Host-` cookie (same attributes, expired). */
export function clearedCookie(name: string): Cookie {
  return { ...hostCookie(name, '', 0), expires: 0 };
}

export function cookieValue(cookies: Record<string, string>, name: string): string | undefined {
  return cookies[COOKIE_PREFIX + name];
}
