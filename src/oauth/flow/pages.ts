import type { OAuthError } from '../errors.js';
import { pageHeaders } from '../../web/html.js';
import { renderErrorPage } from '../../web/pages/error.js';
import { clientRedirectUrl, redirectResponse } from './client-redirect.js';
import type { FlowResponse } from './deps.js';

/** An error shown to the person in the browser, never redirected (the client is not trusted yet). */
export function errorPage(error: OAuthError, status = error.status >= 500 ? error.status : 400): FlowResponse {
  return { status, headers: pageHeaders(), body: renderErrorPage(error.errorCode, error.description) };
}

/** An error sent to the trusted client's redirect URI (RFC 6749 §4.1.2.1, with `iss`). */
export function errorRedirect(error: OAuthError, redirectUri: string, clientState: string | undefined, issuer: string): FlowResponse {
  const params: Record<string, string> = { error: error.errorCode, error_description: error.description };
  return redirectResponse(clientRedirectUrl(redirectUri, params, clientState, issuer));
}
