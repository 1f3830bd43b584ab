/**
 * A tiny browser for the authorization flow tests: a cookie jar that keeps cookies the way Chromium
 * does on http://localhost (`__Host-` cookies need Secure, Path=/ and no Domain; http://localhost is a
 * secure context, so Secure cookies are stored), manual redirects, and form posts.
 */
export interface StoredCookie {
  value: string;
  attributes: Record<string, string>;
}

export class CookieJar {
  readonly cookies = new Map<string, StoredCookie>();
  /** Every Set-Cookie header seen (for the log-leak test: values that must never be logged). */
  readonly seenValues: string[] = [];
  /** Cookies a browser would have refused, with why. */
  readonly refused: string[] = [];

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributeParts] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attributes: Record<string, string> = {};
      for (const part of attributeParts) {
        const [key = '', ...rest] = part.split('=');
        attributes[key.trim().toLowerCase()] = rest.join('=').trim();
      }
      if (name.startsWith('__Host-') && (!('secure' in attributes) || attributes.path !== '/' || 'domain' in attributes)) {
        this.refused.push(`${name}: __Host- cookie without Secure, Path=/ or with Domain`);
        continue;
      }
      if (value) this.seenValues.push(value);
      const expired = attributes['max-age'] !== undefined && Number(attributes['max-age']) <= 0;
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes });
    }
  }

  header(): string {
    return [...this.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ');
  }

  /** A copy, as another browser profile that has the same cookies. */
  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [name, c] of this.cookies) copy.cookies.set(name, { ...c });
    return copy;
  }

  without(prefix: string): CookieJar {
    const copy = this.clone();
    for (const name of [...copy.cookies.keys()]) if (name.startsWith(prefix)) copy.cookies.delete(name);
    return copy;
  }
}

/** One request as the browser sends it (cookies from the jar, no redirect following); `extra`: more headers. */
export async function browse(jar: CookieJar, url: string, form?: Record<string, string>, extra: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'text/html', ...extra };
  const cookie = jar.header();
  if (cookie) headers.cookie = cookie;
  const init: RequestInit = { redirect: 'manual', headers };
  if (form) {
    init.method = 'POST';
    headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  }
  const response = await fetch(url, init);
  jar.store(response);
  return response;
}

export function location(response: Response): string {
  const value = response.headers.get('location');
  if (!value) throw new Error(`expected a redirect, got ${response.status}`);
  return value;
}

/** The hidden inputs and action of the first form on a page. */
export function readForm(html: string, baseUrl: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new Error('no form on the page');
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields[match[1]!] = unescapeHtml(match[2]!);
  }
  return { action: new URL(unescapeHtml(action), baseUrl).toString(), fields };
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
