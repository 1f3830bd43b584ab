import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findApp, matchRedirectUri, OIDC_SCOPES, type Platform } from './apps.js';
import type { EmulatorContext } from './context.js';
import type { AppRegistration } from './directory.js';
import { EntraError } from './errors.js';
import { errorPage, formPostPage, signInPage } from './html.js';
import { readForm, redirect, sendHtml } from './http.js';
import { checkResourceParameter, missingConsent, parseScopes, type RequestedScopes } from './scopes.js';
import { continueSignIn } from './sign-in-steps.js';

type ResponseMode = 'query' | 'fragment' | 'form_post';

export interface ValidRequest {
  app: AppRegistration;
  redirectUri: string;
  platform: Platform;
  mode: ResponseMode;
  state?: string;
  scopes: RequestedScopes;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
}

/** Thrown once the redirect URI is trusted: the error goes back to the client, not to the browser. */
class RedirectableError {
  constructor(
    readonly error: EntraError,
    readonly target: { redirectUri: string; mode: ResponseMode; state?: string },
  ) {}
}

/**
 * `/{tenant}/oauth2/v2.0/authorize`. Until the client and its redirect URI are known good, Entra shows
 * an error page (it must not redirect to an unverified URI); after that, errors are redirected to the
 * client, except a bare scope name taken as a Graph scope that does not exist, which Entra also shows as a
 * page (row 5). After the password come the steps of `sign-in-steps.ts` (assignment, Conditional Access, consent).
 */
export async function handleAuthorize(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method === 'GET') ctx.counters.authorizeRequests++;
  let valid: ValidRequest;
  try {
    valid = validate(ctx, url.searchParams);
  } catch (e) {
    if (e instanceof RedirectableError) return respond(res, e.target, e.error.toRedirectParams(ctx.origin));
    if (e instanceof EntraError) return sendHtml(res, 400, errorPage(e));
    throw e;
  }
  const q = url.searchParams;
  if (q.get('prompt') === 'none') {
    // Without interaction Entra cannot ask for consent: `consent_required`. The emulator keeps no
    // browser session, so otherwise a silent request always needs an interactive sign-in.
    if (missingConsent(valid.app, valid.scopes).length > 0) {
      return respond(res, valid, new EntraError('consentRequired', { appId: valid.app.appId, appName: valid.app.displayName }).toRedirectParams(ctx.origin));
    }
    return respond(res, valid, new EntraError('loginRequired').toRedirectParams(ctx.origin));
  }
  const formAction = `${url.pathname}${url.search}`;
  if (req.method !== 'POST') {
    return sendHtml(res, 200, signInPage({ action: formAction, appName: valid.app.displayName, loginHint: q.get('login_hint') ?? undefined }));
  }
  const form = await readForm(req);
  const outcome = continueSignIn(ctx, { ...valid, claims: q.get('claims'), action: formAction }, form);
  if (outcome.kind === 'page') return sendHtml(res, outcome.status ?? 200, outcome.html);
  if (outcome.kind === 'error') return respond(res, valid, outcome.error.toRedirectParams(ctx.origin));
  const sid = randomUUID();
  ctx.grants.startSession(sid, { userOid: outcome.user.oid, authTime: ctx.nowMs(), mfa: outcome.mfa });
  ctx.counters.signIns++;
  const code = ctx.grants.issueCode({
    clientId: valid.app.appId,
    redirectUri: valid.redirectUri,
    platform: valid.platform,
    userOid: outcome.user.oid,
    scope: valid.scopes.raw,
    codeChallenge: valid.codeChallenge,
    codeChallengeMethod: valid.codeChallengeMethod,
    nonce: q.get('nonce') ?? undefined,
    sid,
  });
  respond(res, valid, { code, session_state: sid });
}

function validate(ctx: EmulatorContext, q: URLSearchParams): ValidRequest {
  const clientId = q.get('client_id');
  if (!clientId) throw new EntraError('missingParameter', { parameter: 'client_id' });
  const app = findApp(ctx.directory, clientId);
  if (!app) throw new EntraError('appNotFound', { appId: clientId, tenantName: ctx.directory.tenantName });
  const redirectUri = q.get('redirect_uri');
  if (!redirectUri) throw new EntraError('missingParameter', { parameter: 'redirect_uri' });
  const platform = matchRedirectUri(app, redirectUri);
  if (!platform) throw new EntraError('redirectMismatch', { redirectUri, appId: app.appId });

  const modeParam = q.get('response_mode') ?? 'query';
  const mode: ResponseMode = modeParam === 'fragment' || modeParam === 'form_post' ? modeParam : 'query';
  const target = { redirectUri, mode, state: q.get('state') ?? undefined };
  const fail = (error: EntraError): never => {
    throw new RedirectableError(error, target);
  };

  const responseType = q.get('response_type');
  if (!responseType) fail(new EntraError('missingParameter', { parameter: 'response_type' }));
  if (responseType !== 'code') fail(new EntraError('unsupportedResponseType', { responseType: responseType ?? '' }));

  let scopes: RequestedScopes;
  try {
    scopes = parseScopes(ctx.directory, app, q.get('scope'));
  } catch (e) {
    // A bare name taken as a Graph scope is a page (design row 5); a qualified scope missing on its
    // resource goes back to the client as `invalid_client` (AADSTS650053).
    if (e instanceof EntraError && e.kind === 'scopeDoesNotExist' && bareScopes(q.get('scope'))) throw e;
    throw e instanceof EntraError ? new RedirectableError(e, target) : e;
  }
  try {
    checkResourceParameter(scopes, q.get('resource'));
  } catch (e) {
    throw e instanceof EntraError ? new RedirectableError(e, target) : e;
  }

  const codeChallenge = q.get('code_challenge') ?? undefined;
  const method = q.get('code_challenge_method') ?? (codeChallenge ? 'plain' : undefined);
  if (method !== undefined && method !== 'S256' && method !== 'plain') fail(new EntraError('invalidPkceMethod', { method }));
  if (method && !codeChallenge) fail(new EntraError('missingParameter', { parameter: 'code_challenge' }));
  return { app, platform, ...target, scopes, codeChallenge, codeChallengeMethod: method as 'S256' | 'plain' | undefined };
}

function respond(res: ServerResponse, target: { redirectUri: string; mode: ResponseMode; state?: string }, params: Record<string, string>): void {
  const all = { ...params, ...(target.state !== undefined ? { state: target.state } : {}) };
  if (target.mode === 'form_post') return sendHtml(res, 200, formPostPage(target.redirectUri, all));
  const location = new URL(target.redirectUri);
  if (target.mode === 'fragment') {
    location.hash = new URLSearchParams(all).toString();
  } else {
    for (const [k, v] of Object.entries(all)) location.searchParams.set(k, v);
  }
  redirect(res, location.toString());
}

/** Whether any non-OIDC scope of the request is a bare name (no resource prefix). */
function bareScopes(raw: string | null): boolean {
  return (raw ?? '').split(/\s+/).some((t) => t && !OIDC_SCOPES.has(t.toLowerCase()) && !t.includes('/'));
}
