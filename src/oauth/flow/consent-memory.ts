import type { Cookie } from '@azure/functions';
import { createHash } from 'node:crypto';
import { cookieValue, hostCookie } from '../../web/cookies.js';
import type { SignedValueCodec } from '../../web/signed.js';

/** How long an approval is remembered in the browser. */
export const CONSENT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * A remembered approval: a signed `__Host-` cookie per client and registered redirect URI, holding the
 * scopes approved. The cookie name is a hash of the pair (so approvals for different clients coexist);
 * the signed value repeats the pair, so a cookie renamed to another pair's name is refused.
 */
export interface ConsentKey {
  clientId: string;
  /** The registered redirect URI the request matched (stable across loopback ports). */
  redirectUri: string;
}

function cookieName(key: ConsentKey): string {
  const digest = createHash('sha256').update(`${key.clientId}\n${key.redirectUri}`, 'utf8').digest('base64url');
  return `consent-${digest.slice(0, 22)}`;
}

/** True when this browser already approved at least `scopes` for this client and redirect URI. */
export async function isConsentRemembered(
  codec: SignedValueCodec,
  cookies: Record<string, string>,
  key: ConsentKey,
  scopes: readonly string[],
  nowMs: number,
): Promise<boolean> {
  const claims = await codec.verify('consent', cookieValue(cookies, cookieName(key)), nowMs);
  if (!claims || claims.cid !== key.clientId || claims.ru !== key.redirectUri) return false;
  const approved = Array.isArray(claims.scp) ? claims.scp : [];
  return scopes.every((s) => approved.includes(s));
}

export async function rememberConsent(codec: SignedValueCodec, key: ConsentKey, scopes: readonly string[], nowMs: number): Promise<Cookie> {
  const value = await codec.sign('consent', { cid: key.clientId, ru: key.redirectUri, scp: [...scopes] }, CONSENT_TTL_SECONDS, nowMs);
  return hostCookie(cookieName(key), value, CONSENT_TTL_SECONDS);
}
