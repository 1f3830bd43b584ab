// The person at the browser, over HTTP: follows the authorization URL through the gateway's consent
// page and the Entra emulator's sign-in form until the browser is sent to the client's redirect URI.
// Built on the cookie jar and form reader in ./browser.ts.
import { LOCAL_MFA_CODE, LOCAL_PASSWORD } from '../../src/local/defaults.js';
import { browse, CookieJar, readForm } from './browser.js';

export interface BrowserFlowOptions {
  username?: string;
  password?: string;
  decision?: 'approve' | 'deny';
  /** A browser profile to reuse (remembered consent, Entra session). Default: a fresh one. */
  jar?: CookieJar;
  /** The answer on Entra's own consent step ("Permissions requested"), when Entra shows it. Default: accept. */
  entraConsent?: 'accept' | 'cancel';
  /** The code typed on Entra's second-factor step, when Entra asks for one. Default: the emulator's. */
  mfaCode?: string;
}

export interface BrowserFlowResult {
  /** Where the browser was sent at the end: the client's redirect URI with `code`, `state`, `iss`. Not visited. */
  redirect: URL;
  /** The consent page as the gateway served it; absent when consent was remembered. */
  consentHtml?: string;
  /** Every URL requested, in order. */
  visited: string[];
  /** How many times Entra asked for the second factor, and showed its consent step. */
  mfaPrompts: number;
  entraConsentPrompts: number;
}

/** The redirect URI without its query: what the client registered. */
function withoutQuery(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Drives one authorization: approves consent (or denies it) and signs in at the Entra emulator,
 * following redirects by hand. Stops at the first redirect to the request's `redirect_uri`, so it also
 * works for redirect URIs that cannot be served here (`cursor://…`, `https://chatgpt.com/…`).
 */
export async function authorizeInBrowser(authorizationUrl: string, options: BrowserFlowOptions = {}): Promise<BrowserFlowResult> {
  const jar = options.jar ?? new CookieJar();
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('the authorization URL has no redirect_uri');
  const target = withoutQuery(new URL(redirectUri));
  const visited: string[] = [];
  let consentHtml: string | undefined;
  let mfaPrompts = 0;
  let entraConsentPrompts = 0;

  let url = authorizationUrl;
  let form: Record<string, string> | undefined;
  // Bounded: authorize → consent → Entra → sign-in post → callback → client is six requests; a second
  // Entra leg (Conditional Access claims challenge) with its second factor and consent adds a few.
  for (let step = 0; step < 20; step++) {
    visited.push(url);
    const response = await browse(jar, url, form);
    form = undefined;
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location') ?? '', url);
      if (withoutQuery(next) === target) return { redirect: next, consentHtml, visited, mfaPrompts, entraConsentPrompts };
      url = next.href;
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${textOf(html)}`);
    const isSignIn = /name="password"/.test(html);
    const isMfa = /name="otc"/.test(html);
    const isEntraConsent = /name="consent"/.test(html);
    if (!isSignIn && !isMfa && !isEntraConsent && !/name="decision"/.test(html)) throw new Error(`unexpected page at ${url}: ${textOf(html)}`);
    const page = readForm(html, url);
    if (isMfa) {
      mfaPrompts++;
      form = { ...page.fields, otc: options.mfaCode ?? LOCAL_MFA_CODE };
    } else if (isEntraConsent) {
      entraConsentPrompts++;
      // "Need admin approval" offers only the way back (cancel).
      form = { ...page.fields, consent: /value="accept"/.test(html) ? (options.entraConsent ?? 'accept') : 'cancel' };
    } else if (isSignIn) {
      form = { ...page.fields, username: options.username ?? 'adele@contoso.test', password: options.password ?? LOCAL_PASSWORD };
    } else {
      consentHtml = html;
      form = { ...page.fields, decision: options.decision ?? 'approve' };
    }
    url = page.action;
  }
  throw new Error(`no redirect to ${target} after ${visited.length} requests:\n${visited.join('\n')}`);
}

/** A page's visible text, short, for error messages. */
export function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 600);
}
