// Obtaining real Entra access tokens from the Entra emulator, as a client would: sign in at the
// emulator's form, then redeem the code at its token endpoint. Shared by the JWT and gateway tests.
import { LOCAL_GATEWAY_APP, LOCAL_PASSWORD } from '../../src/local/defaults.js';
import type { EntraEmulator } from '../../src/local/entra/index.js';
import { authorizeUrl, GATEWAY_CALLBACK, signIn, tokenRequest } from '../entra/helpers.js';

/** An API app with v1 tokens (`requestedAccessTokenVersion` 1), so v1 issuer and `api://` audience are exercised. */
export const V1_API_APP = {
  appId: '44444444-4444-4444-8444-444444444444',
  identifierUri: 'api://44444444-4444-4444-8444-444444444444',
  scope: 'access_as_user',
};

export function registerV1Api(entra: EntraEmulator): void {
  if (entra.directory.apps.some((a) => a.appId === V1_API_APP.appId)) return;
  entra.directory.apps.push({
    appId: V1_API_APP.appId,
    displayName: 'v1 API (test)',
    identifierUris: [V1_API_APP.identifierUri],
    exposedScopes: [V1_API_APP.scope],
    requestedAccessTokenVersion: 1,
  });
  // Admin consent for the gateway app (the client in these tests) to call it.
  const gateway = entra.directory.apps.find((a) => a.appId === LOCAL_GATEWAY_APP.clientId);
  gateway?.consentedPermissions?.push({ resourceAppId: V1_API_APP.appId, scopes: [V1_API_APP.scope] });
}

/**
 * A delegated access token for `scope`, issued to the gateway app (a confidential web client) for
 * `username`. The gateway app is the client because it is the one app the emulator knows with a
 * secret and a web redirect URI; what matters to the validator is the token's audience and issuer.
 */
export async function entraAccessToken(entra: EntraEmulator, scope: string, username = 'adele@contoso.test'): Promise<string> {
  const result = await signIn(
    authorizeUrl(entra, {
      client_id: LOCAL_GATEWAY_APP.clientId,
      response_type: 'code',
      redirect_uri: GATEWAY_CALLBACK,
      scope: `${scope} openid offline_access`,
      state: 'test',
    }),
    username,
    LOCAL_PASSWORD,
  );
  const code = result.location?.searchParams.get('code');
  if (!code) throw new Error(`sign-in at the emulator failed (${result.status}): ${result.html ?? result.location?.toString()}`);
  const { status, body } = await tokenRequest(entra, {
    grant_type: 'authorization_code',
    client_id: LOCAL_GATEWAY_APP.clientId,
    client_secret: LOCAL_GATEWAY_APP.clientSecret,
    code,
    redirect_uri: GATEWAY_CALLBACK,
    scope,
  });
  if (status !== 200 || typeof body.access_token !== 'string') throw new Error(`token request failed: ${JSON.stringify(body)}`);
  return body.access_token;
}
