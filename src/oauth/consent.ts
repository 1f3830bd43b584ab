import { readFormBody } from '../http/body.js';
import type { HttpInput } from '../http/types.js';
import { csrfTokensMatch, CSRF_FIELD } from '../web/csrf.js';
import { readCookies } from '../web/cookies.js';
import { AccessDeniedError, InvalidRequestError, OAuthError } from './errors.js';
import { bindingCookie, clearedBindingCookie, hashPrefix, clearedCsrfCookie, readBinding, readCsrf } from './flow/browser-state.js';
import { redirectResponse } from './flow/client-redirect.js';
import { rememberConsent } from './flow/consent-memory.js';
import type { BrowserFlowDeps, FlowLog, FlowResponse } from './flow/deps.js';
import { errorPage, errorRedirect } from './flow/pages.js';
import { startUpstream } from './flow/upstream-start.js';
import { sameSecret, hashSecret } from './tokens/opaque.js';
import { audit } from '../observability/audit.js';
import { countSignIn } from '../observability/metrics.js';

/** The consent form's own body is tiny; anything larger is not our form. */
const CONSENT_BODY_LIMIT = 8 * 1024;

interface ConsentTicket {
  state: string;
  clientId: string;
  registeredRedirectUri: string;
  scopes: string[];
  csrfHash: string;
}

/**
 * POST /consent: the person's answer on the consent page.
 *
 * Checks, in order: the signed ticket (issued by /authorize, 10 minutes); the CSRF token, which must be
 * in both the form and this flow's `__Host-` cookie (double submit, constant-time compare) and be the
 * one the ticket was issued with; then consumes the pending authorization the ticket reserved, with
 * this browser's binding cookie. The consume is atomic, so a form is answered at most once: a replayed
 * POST finds nothing to consume.
 *
 * Approve: remembers the approval (signed cookie), opens the pending authorization for the Entra leg
 * (new state, new binding, new PKCE pair) and redirects to Entra. Deny: `access_denied` to the client.
 */
export async function handleConsent(request: HttpInput, deps: BrowserFlowDeps, log: FlowLog): Promise<FlowResponse> {
  if (request.method.toUpperCase() === 'GET') {
    // The page itself is rendered by /authorize (it needs the validated request); a bookmarked or
    // reloaded /consent has nothing to show.
    return errorPage(new InvalidRequestError("The consent page opens from your application's sign-in. Start the sign-in again from your application."));
  }
  let form: URLSearchParams;
  try {
    form = await readFormBody(request, CONSENT_BODY_LIMIT);
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(err);
    throw err;
  }
  const ticket = await readTicket(deps, form.get('ticket'));
  if (!ticket) {
    log.info('consent: refused a form with a missing, forged or expired ticket');
    return errorPage(new InvalidRequestError('This consent form has expired or is not valid. Start the sign-in again from your application.'));
  }
  const cookies = readCookies(request);
  const submitted = form.get(CSRF_FIELD) ?? undefined;
  const flow = hashPrefix(ticket.state);
  if (!csrfTokensMatch(readCsrf(cookies, ticket.state), submitted) || !sameSecret(hashSecret(submitted ?? ''), ticket.csrfHash)) {
    log.warn(`consent: CSRF check failed for client ${ticket.clientId} (flow ${flow}); the form was not submitted by the page this browser was shown`);
    return errorPage(
      new AccessDeniedError('The consent form could not be verified (missing or wrong CSRF token). Start the sign-in again from your application.'),
      403,
    );
  }
  let pending;
  try {
    pending = await deps.authorizations.consume(ticket.state, readBinding(cookies, ticket.state) ?? '', deps.now());
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    log.info(`consent: flow ${flow} could not be continued: ${err.errorCode}`);
    return errorPage(err);
  }
  const spent = [clearedCsrfCookie(ticket.state), clearedBindingCookie(ticket.state)];
  const { request: authorization } = pending;

  if (form.get('decision') !== 'approve') {
    log.info(`consent: denied for client ${ticket.clientId} (flow ${flow})`);
    const denied = new AccessDeniedError('The user denied the request.');
    return { ...errorRedirect(denied, authorization.redirectUri, authorization.state, deps.config.baseUrl), cookies: spent };
  }
  const remembered = await rememberConsent(deps.signed, { clientId: ticket.clientId, redirectUri: ticket.registeredRedirectUri }, ticket.scopes, deps.now());
  const started = await startUpstream(authorization, deps);
  log.info(`consent: approved for client ${ticket.clientId} (flow ${flow}); to Entra (flow ${hashPrefix(started.state)})`);
  audit('consent.given', { clientId: ticket.clientId, scopes: ticket.scopes, flow });
  countSignIn('started');
  return {
    ...redirectResponse(started.entraUrl),
    cookies: [...spent, remembered, bindingCookie(started.state, started.browserBinding)],
  };
}

async function readTicket(deps: BrowserFlowDeps, value: string | null): Promise<ConsentTicket | undefined> {
  const claims = await deps.signed.verify('consent-request', value ?? undefined, deps.now());
  if (!claims) return undefined;
  const { st, cid, ru, scp, csrf } = claims;
  if (typeof st !== 'string' || typeof cid !== 'string' || typeof ru !== 'string' || typeof csrf !== 'string') return undefined;
  if (!Array.isArray(scp) || !scp.every((s): s is string => typeof s === 'string')) return undefined;
  return { state: st, clientId: cid, registeredRedirectUri: ru, scopes: scp, csrfHash: csrf };
}
