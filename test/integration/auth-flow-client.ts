import { LOCAL_PASSWORD } from '../../src/local/defaults.js';
import { browse, CookieJar, location, readForm } from '../support/browser.js';

export { clientMetadata, MemoryOAuthProvider } from '../support/oauth-provider.js';

/** Everything a browser saw on the way: URLs (with codes and states in them) and pages. */
export interface BrowserTrace {
  urls: string[];
  consentShown: boolean;
}

/**
 * What a person does in the browser: consent (if asked), the Entra emulator's sign-in form, then the
 * redirects back to the client. Returns the client's redirect URL (with `code`, `state`, `iss`).
 */
export async function signInThroughBrowser(
  jar: CookieJar,
  authorizationUrl: string,
  trace: BrowserTrace = { urls: [], consentShown: false },
  username = 'adele@contoso.test',
): Promise<URL> {
  trace.urls.push(authorizationUrl);
  let response = await browse(jar, authorizationUrl);
  if (response.status === 200) {
    trace.consentShown = true;
    const consent = readForm(await response.text(), authorizationUrl);
    response = await browse(jar, consent.action, { ...consent.fields, decision: 'approve' });
  }
  const entraUrl = location(response);
  trace.urls.push(entraUrl);
  const signInPage = await browse(jar, entraUrl);
  if (signInPage.status !== 200) throw new Error(`Entra sign-in page answered ${signInPage.status}`);
  const signIn = readForm(await signInPage.text(), entraUrl);
  const callbackUrl = location(await browse(jar, signIn.action, { username, password: LOCAL_PASSWORD }));
  trace.urls.push(callbackUrl);
  const callback = await browse(jar, callbackUrl);
  const clientUrl = location(callback);
  trace.urls.push(clientUrl);
  return new URL(clientUrl);
}

/** Up to the gateway's /callback URL only (for tests that tamper with the callback). */
export async function reachCallback(jar: CookieJar, authorizationUrl: string): Promise<string> {
  let response = await browse(jar, authorizationUrl);
  if (response.status === 200) {
    const consent = readForm(await response.text(), authorizationUrl);
    response = await browse(jar, consent.action, { ...consent.fields, decision: 'approve' });
  }
  const entraUrl = location(response);
  const signIn = readForm(await (await browse(jar, entraUrl)).text(), entraUrl);
  return location(await browse(jar, signIn.action, { username: 'adele@contoso.test', password: LOCAL_PASSWORD }));
}
