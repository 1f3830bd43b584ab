import { openAccountSession } from '../account/handler.js';
import { entitledScopes } from '../authz/entitlement.js';
import { explainCallbackError, explainMsalError, type AadstsExplanation } from '../entra/aadsts.js';
import type { EntraSignIn } from '../entra/upstream.js';
import type { HttpInput } from '../http/types.js';
import type { AuthorizationRequest, PendingAuthorization } from '../store/authorizations.js';
import { readCookies } from '../web/cookies.js';
import { AccessDeniedError, InvalidRequestError, OAuthError, ServerError, TemporarilyUnavailableError } from './errors.js';
import { bindingCookie, clearedBindingCookie, hashPrefix, readBinding } from './flow/browser-state.js';
import { clientRedirectUrl, redirectResponse } from './flow/client-redirect.js';
import type { BrowserFlowDeps, FlowLog, FlowResponse } from './flow/deps.js';
import { errorPage, errorRedirect } from './flow/pages.js';
import { startUpstream } from './flow/upstream-start.js';
import { audit } from '../observability/audit.js';
import { countSignIn, inDependencySpan } from '../observability/metrics.js';

/**
 * GET /callback: Entra's redirect back to the gateway.
 *
 * 1. The `state` must name a pending authorization, once, presented by the browser that started it
 *    (its binding cookie); otherwise a page, since there is no trusted client to redirect to.
 * 2. An `error` from Entra is explained (AADSTS code → description for the client, fix for the log)
 *    and sent to the client.
 * 3. Entra's code is redeemed with the gateway's PKCE verifier, as a confidential client.
 * 4. The user's tenant must be allowed; then the grant is created (Entra tokens sealed in it) and the
 *    gateway's own code is sent to the client with its `state` and `iss`.
 */
export async function handleCallback(request: HttpInput, deps: BrowserFlowDeps, log: FlowLog): Promise<FlowResponse> {
  const query = new URL(request.url).searchParams;
  const state = query.get('state');
  if (!state) return errorPage(new InvalidRequestError('The sign-in response has no state. Start the sign-in again from your application.'));
  const cookies = readCookies(request);
  const flow = hashPrefix(state);
  let pending: PendingAuthorization;
  try {
    pending = await deps.authorizations.consume(state, readBinding(cookies, state) ?? '', deps.now());
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    log.info(`callback: flow ${flow} refused: ${err.description}`);
    return errorPage(err);
  }
  const cleared = [clearedBindingCookie(state)];
  const { request: authorization } = pending;
  const toClient = (error: OAuthError): FlowResponse => ({
    ...errorRedirect(error, authorization.redirectUri, authorization.state, deps.config.baseUrl),
    cookies: cleared,
  });

  const entraError = query.get('error');
  if (entraError) {
    const explained = explainCallbackError(entraError, query.get('error_description') ?? undefined, callbackUrl(deps));
    logExplanation(log, `callback: Entra returned "${entraError}" for client ${authorization.clientId} (flow ${flow})`, explained);
    countSignIn('failed', 'entra_error', explained.code);
    return toClient(asOAuthError(explained));
  }
  const code = query.get('code');
  if (!code) return toClient(new InvalidRequestError('Entra ID answered without an authorization code.'));

  let signIn: EntraSignIn;
  try {
    signIn = await inDependencySpan('entra redeem code', {}, () => deps.entra.redeemCode({ code, codeVerifier: pending.entraCodeVerifier }));
  } catch (err) {
    const explained = explainMsalError(err, callbackUrl(deps));
    logExplanation(log, `callback: redeeming Entra's code failed for client ${authorization.clientId} (flow ${flow})`, explained);
    countSignIn('failed', 'code_redemption', explained.code);
    return toClient(asOAuthError(explained));
  }
  const { user } = signIn;
  if (!deps.config.entra.allowedTenants.includes(user.tid)) {
    log.warn(`callback: user ${user.oid} of tenant ${user.tid} refused: the tenant is not in ENTRA_ALLOWED_TENANTS`);
    countSignIn('failed', 'tenant_not_allowed');
    return toClient(new AccessDeniedError('Accounts of your organization are not allowed on this server.'));
  }
  if (authorization.purpose === 'account') {
    // The user's own sign-in to /account: no grant, no code; the Entra tokens are not kept.
    log.info(`callback: account session opened for user ${user.oid} (flow ${flow})`);
    const opened = await openAccountSession(user, deps);
    return { ...opened, cookies: [...cleared, ...(opened.cookies ?? [])] };
  }
  const again = await claimsChallengeLeg(authorization, user, deps);
  if (again) {
    log.info(`callback: user ${user.oid} has a pending Conditional Access challenge; to Entra once more with it (flow ${hashPrefix(again.state)})`);
    return { ...redirectResponse(again.entraUrl), cookies: [...cleared, bindingCookie(again.state, again.browserBinding)] };
  }
  const created = await deps.grants.createGrant({
    user,
    clientId: authorization.clientId,
    // What the user consented to, narrowed to what the user can use (mcp:admin only for admins).
    scopes: entitledScopes(authorization.scopes, user, deps.config.groupPermissions),
    resource: authorization.resource,
    entra: signIn.tokens,
  });
  const gatewayCode = await deps.grants.issueCode(created, {
    redirectUri: authorization.redirectUri,
    codeChallenge: authorization.codeChallenge,
  });
  log.info(`callback: grant ${created.grant.id} created for user ${user.oid}, client ${authorization.clientId} (flow ${flow})`);
  countSignIn('completed');
  audit('grant.created', { userId: user.oid, tenantId: user.tid, clientId: authorization.clientId, grantId: created.grant.id, flow });
  const location = clientRedirectUrl(authorization.redirectUri, { code: gatewayCode }, authorization.state, deps.config.baseUrl);
  return { ...redirectResponse(location), cookies: cleared };
}

/**
 * A Conditional Access claims challenge a tool kept for this user (docs/tools.md): now that Entra has
 * said who signed in, the challenge is taken (once) and the browser goes to Entra again with it as
 * `claims` and the user as `login_hint`. That second sign-in runs the policy's step (MFA); its
 * callback finds no challenge and creates the grant. Only the same `tid`+`oid` ever gets it.
 */
async function claimsChallengeLeg(authorization: AuthorizationRequest, user: EntraSignIn['user'], deps: BrowserFlowDeps) {
  const claims = await deps.claimsChallenges?.take({ tid: user.tid, oid: user.oid }, deps.now());
  return claims ? startUpstream(authorization, deps, { claims, loginHint: user.username }) : undefined;
}

function callbackUrl(deps: BrowserFlowDeps): string {
  return `${deps.config.baseUrl}/callback`;
}

function logExplanation(log: FlowLog, what: string, explained: AadstsExplanation): void {
  const code = explained.code ? `AADSTS${explained.code}` : 'no AADSTS code';
  log.warn(`${what}: ${code}. Fix: ${explained.fix}`);
}

function asOAuthError(explained: AadstsExplanation): OAuthError {
  switch (explained.error) {
    case 'access_denied':
    case 'invalid_grant':
      // invalid_grant is not an authorization-response code (RFC 6749 §4.1.2.1); the sign-in is over
      // and the client must start again, which is what access_denied tells it.
      return new AccessDeniedError(explained.description);
    case 'temporarily_unavailable':
      return new TemporarilyUnavailableError(explained.description);
    default:
      return new ServerError(explained.description);
  }
}
