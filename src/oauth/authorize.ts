import type { HttpInput } from '../http/types.js';
import { countSignIn } from '../observability/metrics.js';
import { newCsrfToken } from '../web/csrf.js';
import { readCookies } from '../web/cookies.js';
import { pageHeaders } from '../web/html.js';
import { renderConsentPage } from '../web/pages/consent.js';
import { hashSecret } from './tokens/opaque.js';
import { ClientRedirectError, UntrustedRedirectError, validateAuthorizationRequest, type ValidatedAuthorization } from './flow/authorize-request.js';
import { bindingCookie, csrfCookie, hashPrefix } from './flow/browser-state.js';
import { redirectResponse } from './flow/client-redirect.js';
import { isConsentRemembered } from './flow/consent-memory.js';
import type { BrowserFlowDeps, FlowLog, FlowResponse } from './flow/deps.js';
import { errorPage, errorRedirect } from './flow/pages.js';
import { startUpstream } from './flow/upstream-start.js';

/** How long the consent form may stay open: the pending authorization it reserves lives as long. */
export const CONSENT_FORM_TTL_SECONDS = 10 * 60;

/**
 * GET /authorize. Validates the request (client and redirect URI first: until both are trusted,
 * errors are a page, never a redirect), then either goes straight to Entra (this browser already
 * approved this client, redirect URI and scopes) or shows the consent page.
 *
 * Either way it opens a pending authorization now. With consent pending, that authorization is the
 * consent form's reservation: the POST to /consent consumes it (once, from this browser only), which
 * is what makes the form single-use.
 */
export async function handleAuthorize(request: HttpInput, deps: BrowserFlowDeps, log: FlowLog): Promise<FlowResponse> {
  let validated: ValidatedAuthorization;
  const cookies = readCookies(request);
  try {
    validated = await validateAuthorizationRequest(new URL(request.url).searchParams, deps.clients, deps.config.mcpResource);
  } catch (err) {
    if (err instanceof UntrustedRedirectError) {
      log.info(`authorize: refused before the redirect URI was trusted: ${err.error.errorCode}`);
      return errorPage(err.error);
    }
    if (err instanceof ClientRedirectError) {
      // Anyone can register a redirect URI (DCR) or host a metadata document naming one, so a valid
      // redirect URI alone does not make an error redirect safe: it would be an open redirector
      // (RFC 9700 §4.11.2). Errors go to the client only once this browser approved the client and URI.
      if (await isConsentRemembered(deps.signed, cookies, err.consentKey, [], deps.now())) {
        log.info(`authorize: refused, redirecting ${err.error.errorCode} to the approved client ${err.consentKey.clientId}`);
        return errorRedirect(err.error, err.redirectUri, err.clientState, deps.config.baseUrl);
      }
      log.info(`authorize: refused ${err.error.errorCode} for client ${err.consentKey.clientId}, not yet approved in this browser: error page`);
      return errorPage(err.error);
    }
    throw err;
  }
  const { client, request: authorization, registeredRedirectUri } = validated;
  const consentKey = { clientId: client.clientId, redirectUri: registeredRedirectUri };
  const started = await startUpstream(authorization, deps);
  const binding = bindingCookie(started.state, started.browserBinding);

  if (await isConsentRemembered(deps.signed, cookies, consentKey, authorization.scopes, deps.now())) {
    log.info(`authorize: client ${client.clientId} already approved in this browser; to Entra (flow ${hashPrefix(started.state)})`);
    countSignIn('started');
    return { ...redirectResponse(started.entraUrl), cookies: [binding] };
  }

  const csrfToken = newCsrfToken();
  const ticket = await deps.signed.sign(
    'consent-request',
    { st: started.state, cid: client.clientId, ru: registeredRedirectUri, scp: authorization.scopes, csrf: hashSecret(csrfToken) },
    CONSENT_FORM_TTL_SECONDS,
    deps.now(),
  );
  log.info(`authorize: consent asked for client ${client.clientId} (flow ${hashPrefix(started.state)})`);
  const body = renderConsentPage({
    gatewayHost: new URL(deps.config.baseUrl).host,
    clientName: client.metadata.client_name ?? client.clientId,
    clientId: client.clientId,
    redirectUri: authorization.redirectUri,
    ...(client.source === 'cimd' ? { verifiedDomain: new URL(client.clientId).host } : {}),
    scopes: authorization.scopes,
    ticket,
    csrfToken,
  });
  return {
    status: 200,
    headers: pageHeaders(["'self'", new URL(started.entraUrl).origin, formActionSource(authorization.redirectUri)]),
    body,
    cookies: [binding, csrfCookie(started.state, csrfToken)],
  };
}

/**
 * The CSP form-action source for the client's redirect URI: its origin for http(s), its scheme for a
 * native app's private-use URI (Chromium applies form-action to the redirects a form submission follows).
 */
function formActionSource(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}
