import { explainAadsts, explainCallbackError, explainMsalError, findAadstsCode } from '../../../src/entra/aadsts.js';
import { isConsentRemembered, rememberConsent } from '../../../src/oauth/flow/consent-memory.js';
import { canonicalResource } from '../../../src/oauth/flow/resource.js';
import { clientRedirectUrl } from '../../../src/oauth/flow/client-redirect.js';
import { readCookies, hostCookie } from '../../../src/web/cookies.js';
import { csrfTokensMatch, newCsrfToken } from '../../../src/web/csrf.js';
import { pageHeaders } from '../../../src/web/html.js';
import { renderConsentPage } from '../../../src/web/pages/consent.js';
import { createSignedValueCodec } from '../../../src/web/signed.js';

const CALLBACK = 'https://gw.example/callback';
const NOW = Date.UTC(2026, 0, 15, 9);
const codec = createSignedValueCodec(new Uint8Array(32).fill(3), 'https://gw.example');

describe('AADSTS explanations', () => {
  test.each([
    ['50011', 'server_error', `add ${CALLBACK} as a Web redirect URI`],
    ['65001', 'access_denied', 'grant admin consent'],
    ['700016', 'server_error', 'ENTRA_CLIENT_ID'],
    ['7000215', 'server_error', 'ENTRA_CLIENT_SECRET'],
    ['700027', 'server_error', 'federated credential'],
    ['9002325', 'server_error', 'under "Web"'],
    ['90009', 'server_error', 'GUID form'],
    ['28000', 'server_error', 'more than one resource'],
    ['9010010', 'server_error', 'never send resource'],
  ])('AADSTS%s → %s, and the log names the fix', (code, error, fix) => {
    const explained = explainAadsts(code, CALLBACK);
    expect(explained.error).toBe(error);
    expect(explained.fix).toContain(fix);
    expect(explained.description).not.toMatch(/AADSTS/);
  });

  test('codes are found in Entra texts and MSAL errors; unknown and code-less errors are still explained', () => {
    expect(findAadstsCode('AADSTS50011: The redirect URI ... Trace ID: x')).toBe('50011');
    expect(findAadstsCode('no code here')).toBeUndefined();
    expect(explainMsalError({ errorNo: '65001', errorMessage: 'whatever' }, CALLBACK).error).toBe('access_denied');
    expect(explainMsalError({ errorMessage: 'AADSTS700016: Application not found' }, CALLBACK).code).toBe('700016');
    expect(explainMsalError(new TypeError('fetch failed'), CALLBACK).error).toBe('temporarily_unavailable');
    expect(explainAadsts('12345678', CALLBACK).fix).toContain('AADSTS12345678');
    expect(explainCallbackError('access_denied', 'The user cancelled', CALLBACK).error).toBe('access_denied');
    expect(explainCallbackError('invalid_request', 'AADSTS9002325: Proof Key…', CALLBACK).code).toBe('9002325');
  });
});

describe('signed values', () => {
  test('a value verifies only for its purpose, within its lifetime, untampered', async () => {
    const value = await codec.sign('consent', { cid: 'c1' }, 60, NOW);
    expect((await codec.verify('consent', value, NOW + 59_000))?.cid).toBe('c1');
    expect(await codec.verify('consent-request', value, NOW)).toBeUndefined();
    expect(await codec.verify('consent', value, NOW + 61_000)).toBeUndefined();
    expect(await codec.verify('consent', `${value.slice(0, -2)}AA`, NOW)).toBeUndefined();
    const other = createSignedValueCodec(new Uint8Array(32).fill(4), 'https://gw.example');
    expect(await other.verify('consent', value, NOW)).toBeUndefined();
    expect(await codec.verify('consent', 'garbage', NOW)).toBeUndefined();
  });
});

describe('remembered consent', () => {
  const key = { clientId: 'client-a', redirectUri: 'http://127.0.0.1:1234/cb' };
  async function jarWith(cookie: { name: string; value: string }) {
    return readCookies({ headers: new Headers({ cookie: `${cookie.name}=${cookie.value}` }) });
  }

  test('is a __Host- cookie: Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    const cookie = await rememberConsent(codec, key, ['mcp:tools'], NOW);
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.name.startsWith('__Host-')).toBe(true);
    expect(cookie.domain).toBeUndefined();
  });

  test('covers the approved scopes only, and only its own client and redirect URI', async () => {
    const cookie = await rememberConsent(codec, key, ['mcp:tools'], NOW);
    const cookies = await jarWith(cookie);
    expect(await isConsentRemembered(codec, cookies, key, ['mcp:tools'], NOW)).toBe(true);
    expect(await isConsentRemembered(codec, cookies, key, ['mcp:tools', 'mcp:admin'], NOW)).toBe(false);
    expect(await isConsentRemembered(codec, cookies, { ...key, clientId: 'client-b' }, ['mcp:tools'], NOW)).toBe(false);
    // The value of one pair's cookie under another pair's name is refused (the value names its pair).
    const other = { ...key, redirectUri: 'http://127.0.0.1:1234/other' };
    const otherName = (await rememberConsent(codec, other, [], NOW)).name;
    expect(await isConsentRemembered(codec, await jarWith({ name: otherName, value: cookie.value }), other, [], NOW)).toBe(false);
  });
});

describe('CSRF tokens', () => {
  test('match only when both are present and equal', () => {
    const token = newCsrfToken();
    expect(csrfTokensMatch(token, token)).toBe(true);
    expect(csrfTokensMatch(token, newCsrfToken())).toBe(false);
    expect(csrfTokensMatch(undefined, token)).toBe(false);
    expect(csrfTokensMatch(token, undefined)).toBe(false);
    expect(csrfTokensMatch(token, token.slice(1))).toBe(false);
  });
});

describe('consent page', () => {
  const view = {
    gatewayHost: 'gw.example',
    clientName: '<script>alert(1)</script> Evil "Client"',
    clientId: 'abc',
    redirectUri: 'https://client.example/cb?x=1',
    scopes: ['mcp:tools'],
    ticket: 't"k',
    csrfToken: 'c&t',
  };

  test('escapes what the client chose, shows the redirect host, has labelled landmarks and both buttons', () => {
    const html = renderConsentPage(view);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Evil &quot;Client&quot;');
    expect(html).toContain('<span class="host">client.example</span>');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<main>');
    expect(html).toMatch(/<form method="post" action="\/consent" aria-labelledby="consent-title">/);
    expect(html).toContain('value="t&quot;k"');
    expect(html).toContain('name="decision" value="approve"');
    expect(html).toContain('name="decision" value="deny"');
    expect(html).toContain('registered itself');
    expect(html).not.toMatch(/<(link|script|img)\b/);
  });

  test('under the "name not verified" warning Deny has the focus, so Enter does not approve; a verified client gets Approve', () => {
    const focused = (html: string) => /<button[^>]*value="(approve|deny)"[^>]*\bautofocus\b/.exec(html)?.[1];
    expect(focused(renderConsentPage(view))).toBe('deny');
    expect(focused(renderConsentPage({ ...view, verifiedDomain: 'client.example' }))).toBe('approve');
  });

  test('says where access is revoked (the account page), not "by signing out"; says mcp:admin is conditional', () => {
    const html = renderConsentPage({ ...view, scopes: ['mcp:tools', 'mcp:admin'] });
    expect(html).toContain('<a href="/account">your account page</a>');
    expect(html).not.toContain('signing out');
    expect(html).toMatch(/<code>mcp:admin<\/code>: [^<]*granted only if your account holds the MCP.Admin role/);
  });

  test('names the verified domain of a metadata-document client', () => {
    expect(renderConsentPage({ ...view, verifiedDomain: 'client.example' })).toContain('Identity verified by its domain: <strong>client.example</strong>');
  });

  test('page headers forbid framing, referrers and caching; the stylesheet is allowed by hash only', () => {
    const headers = pageHeaders(["'self'"]);
    expect(headers['Content-Security-Policy']).toMatch(/default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; .*frame-ancestors 'none'/);
    expect(headers['X-Frame-Options']).toBe('DENY');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    expect(headers['Cache-Control']).toBe('no-store');
  });
});

describe('resource and client redirects', () => {
  const mcp = 'https://gw.example/mcp';
  test('the MCP resource and its /sse form are one resource; anything else is invalid_target', () => {
    expect(canonicalResource(undefined, mcp)).toBe(mcp);
    expect(canonicalResource(`${mcp}/sse`, mcp)).toBe(mcp);
    expect(() => canonicalResource('https://gw.example/', mcp)).toThrow(expect.objectContaining({ errorCode: 'invalid_target' }));
    expect(() => canonicalResource(`${mcp}/`, mcp)).toThrow(expect.objectContaining({ errorCode: 'invalid_target' }));
  });

  test('the redirect keeps the registered query, echoes state exactly and adds iss', () => {
    const url = new URL(clientRedirectUrl('cursor://anysphere.cursor-mcp/oauth/callback?a=1', { code: 'c' }, 'x y&z', 'https://gw.example'));
    expect(url.protocol).toBe('cursor:');
    expect(url.searchParams.get('a')).toBe('1');
    expect(url.searchParams.get('state')).toBe('x y&z');
    expect(url.searchParams.get('iss')).toBe('https://gw.example');
    expect(new URL(clientRedirectUrl('http://127.0.0.1:5/cb', { error: 'access_denied' }, undefined, 'https://gw.example')).searchParams.has('state')).toBe(
      false,
    );
  });

  test('hostCookie sets the __Host- attributes', () => {
    expect(hostCookie('x', 'v', 10)).toEqual({ name: '__Host-mcp-x', value: 'v', path: '/', secure: true, httpOnly: true, sameSite: 'Lax', maxAge: 10 });
  });
});
