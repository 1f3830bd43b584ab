import { createHash, randomBytes } from 'node:crypto';
import { LOCAL_GATEWAY_APP, LOCAL_PASSWORD } from '../../../src/local/defaults.js';

/**
 * Tokens from the Entra emulator the way the gateway gets them: a user signs in through the authorize
 * form (authorization code + PKCE, the gateway as a confidential client), then the gateway exchanges
 * that API token on behalf of the user (OBO) for a Graph token. Plain `fetch`, no shortcuts.
 */
export interface EntraRef {
  url: string;
  tenantId: string;
}

const REDIRECT_URI = 'http://localhost:7071/callback';

async function tokenRequest(entra: EntraRef, params: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await fetch(`${entra.url}/${entra.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: LOCAL_GATEWAY_APP.clientId,
      client_secret: LOCAL_GATEWAY_APP.clientSecret,
      ...params,
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${String(body.error_description ?? body.error)}`);
  return body;
}

/** The gateway API's access token for a user (`aud` = the gateway app), via the sign-in form. */
export async function signIn(entra: EntraRef, username: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${entra.url}/${entra.tenantId}/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: LOCAL_GATEWAY_APP.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope} openid profile offline_access`,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: randomBytes(8).toString('hex'),
  }).toString();
  const form = await fetch(authorize);
  if (form.status !== 200) throw new Error(`authorize answered ${form.status}`);
  const submitted = await fetch(authorize, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: LOCAL_PASSWORD }),
  });
  const location = submitted.headers.get('location');
  const code = location ? new URL(location).searchParams.get('code') : null;
  if (!code) throw new Error(`sign-in did not redirect with a code (status ${submitted.status})`);
  const body = await tokenRequest(entra, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    scope: `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`,
  });
  return String(body.access_token);
}

/** The OBO exchange the gateway's Graph tools make: the user's API token for a Graph token. */
export async function graphTokenOnBehalfOf(entra: EntraRef, apiToken: string, scope = 'https://graph.microsoft.com/User.Read'): Promise<string> {
  const body = await tokenRequest(entra, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: apiToken,
    requested_token_use: 'on_behalf_of',
    scope,
  });
  return String(body.access_token);
}
