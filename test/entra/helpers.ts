import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config/index.js';
import { LOCAL_GATEWAY_APP, LOCAL_TENANT_ID } from '../../src/local/defaults.js';
import type { EntraEmulator } from '../../src/local/entra/index.js';

export const GATEWAY_CALLBACK = 'http://localhost:7071/callback';

/** The gateway's configuration for the local stack, as `npm start` would build it. */
export function localConfig(entra: EntraEmulator, env: Record<string, string> = {}): Config {
  return loadConfig({
    GATEWAY_MODE: 'dev',
    GATEWAY_BASE_URL: 'http://localhost:7071',
    ENTRA_TENANT_ID: LOCAL_TENANT_ID,
    ENTRA_CLIENT_ID: LOCAL_GATEWAY_APP.clientId,
    ENTRA_AUTHORITY_HOST: entra.authorityHost,
    ENTRA_CREDENTIAL: 'secret',
    ENTRA_CLIENT_SECRET: LOCAL_GATEWAY_APP.clientSecret,
    COSMOS_ENDPOINT: 'http://127.0.0.1:8081/',
    TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    COOKIE_SECRET: randomBytes(32).toString('base64url'),
    ...env,
  });
}

/** The `action` of the sign-in page's form, resolved against the page's URL. */
export function formAction(html: string, pageUrl: string): string {
  const match = /<form method="post" action="([^"]*)"/.exec(html);
  if (!match) throw new Error('no sign-in form on the page');
  return new URL(
    match[1]!
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'"),
    pageUrl,
  ).toString();
}

export interface SignInResult {
  status: number;
  /** The redirect target (status 302), or undefined. */
  location?: URL;
  html?: string;
}

/** A person in a browser: opens the authorize URL, fills in the form, submits it. */
export async function signIn(authorizeUrl: string, username: string, password: string): Promise<SignInResult> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  if (page.status !== 200) return toResult(page);
  const html = await page.text();
  const response = await fetch(formAction(html, authorizeUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  });
  return toResult(response);
}

export async function toResult(response: Response): Promise<SignInResult> {
  const location = response.headers.get('location');
  return {
    status: response.status,
    location: location ? new URL(location) : undefined,
    html: location ? undefined : await response.text(),
  };
}

/** POSTs a form to the emulator's token endpoint and returns status and JSON body. */
export async function tokenRequest(
  entra: EntraEmulator,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${entra.url}/${entra.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function authorizeUrl(entra: EntraEmulator, params: Record<string, string>): string {
  const url = new URL(`${entra.url}/${entra.tenantId}/oauth2/v2.0/authorize`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}
