import type { Config } from '../config/index.js';
import { readFormBody } from '../http/body.js';
import type { HttpInput } from '../http/types.js';
import { AccessDeniedError, InvalidRequestError, OAuthError } from '../oauth/errors.js';
import { bindingCookie, hashPrefix } from '../oauth/flow/browser-state.js';
import { redirectResponse } from '../oauth/flow/client-redirect.js';
import type { BrowserFlowDeps, FlowLog, FlowResponse } from '../oauth/flow/deps.js';
import { errorPage } from '../oauth/flow/pages.js';
import { startUpstream } from '../oauth/flow/upstream-start.js';
import type { GrantInfo, GrantService } from '../oauth/grants.js';
import type { GrantUser } from '../store/grants.js';
import { readCookies } from '../web/cookies.js';
import { csrfTokensMatch, CSRF_FIELD } from '../web/csrf.js';
import { pageHeaders } from '../web/html.js';
import { renderAccountPage, type ConnectedClient } from '../web/pages/account.js';
import { redirectTarget } from '../web/pages/consent.js';
import { accountSessionCookie, clearedAccountCookie, readAccountSession, type AccountSession } from './session.js';

/** The account form's body is tiny; anything larger is not our form. */
const ACCOUNT_BODY_LIMIT = 8 * 1024;

export interface AccountDeps extends Pick<BrowserFlowDeps, 'clients' | 'authorizations' | 'entra' | 'signed' | 'now'> {
  config: Pick<Config, 'baseUrl' | 'mcpResource'>;
  grants: Pick<GrantService, 'userGrants' | 'revokeGrant'>;
}

/**
 * GET and POST /account: the signed-in user's MCP clients, each revocable.
 *
 * GET without a session signs the user in with Entra through the gateway's own app — the same
 * /callback, with a pending authorization marked `purpose: 'account'` (state, browser binding and PKCE
 * as for a client) — and /callback opens the session (`openAccountSession`). With a session: the
 * clients holding a live grant for this user.
 *
 * POST needs the session cookie (SameSite=Lax: not sent on another site's POST) and the page's CSRF
 * token (synchronizer token from the signed session, constant-time compare). `revoke` ends every grant
 * of that client *for this user* (never another user's); `sign-out` drops the session.
 */
export async function handleAccount(request: HttpInput, deps: AccountDeps, log: FlowLog): Promise<FlowResponse> {
  const cookies = readCookies(request);
  const session = await readAccountSession(deps.signed, cookies, deps.now());
  if (request.method.toUpperCase() === 'POST') return handlePost(request, deps, log, session);

  const query = new URL(request.url).searchParams;
  if (!session) {
    const error = query.get('error');
    if (error) {
      // Entra refused the sign-in (explained by /callback): show it; redirecting again would loop.
      return errorPage(new AccessDeniedError(query.get('error_description') ?? 'The sign-in did not complete.'));
    }
    const started = await startUpstream(
      {
        purpose: 'account',
        clientId: 'account',
        redirectUri: `${deps.config.baseUrl}/account`,
        scopes: [],
        resource: deps.config.mcpResource,
        codeChallenge: '',
        codeChallengeMethod: 'S256',
      },
      deps,
    );
    log.info(`account: sign-in started (flow ${hashPrefix(started.state)})`);
    return { ...redirectResponse(started.entraUrl), cookies: [bindingCookie(started.state, started.browserBinding)] };
  }
  const clients = await connectedClients(deps, await deps.grants.userGrants(session.oid));
  const notice = query.get('revoked') === '1' ? 'Access revoked: that client has to ask you again.' : undefined;
  return {
    status: 200,
    headers: pageHeaders(["'self'"]),
    body: renderAccountPage({ user: session.username ?? session.name ?? session.oid, clients, csrfToken: session.csrf, ...(notice ? { notice } : {}) }),
  };
}

/** /callback's ending for an account sign-in: the session cookie, then the account page. */
export async function openAccountSession(user: GrantUser, deps: Pick<AccountDeps, 'signed' | 'now'>): Promise<FlowResponse> {
  return { ...redirectResponse('/account'), status: 303, cookies: [await accountSessionCookie(deps.signed, user, deps.now())] };
}

async function handlePost(request: HttpInput, deps: AccountDeps, log: FlowLog, session: AccountSession | undefined): Promise<FlowResponse> {
  let form: URLSearchParams;
  try {
    form = await readFormBody(request, ACCOUNT_BODY_LIMIT);
  } catch (err) {
    if (err instanceof OAuthError) return errorPage(err);
    throw err;
  }
  if (!session) return errorPage(new InvalidRequestError('Your account session has ended. Open /account again to sign in.'));
  if (!csrfTokensMatch(session.csrf, form.get(CSRF_FIELD) ?? undefined)) {
    log.warn(`account: CSRF check failed for user ${session.oid}; the form was not submitted by the account page`);
    return errorPage(new AccessDeniedError('The form could not be verified (missing or wrong CSRF token). Open /account again.'), 403);
  }
  const action = form.get('action');
  if (action === 'sign-out') return { ...redirectResponse('/'), status: 303, cookies: [clearedAccountCookie()] };
  const clientId = form.get('client_id');
  if (action !== 'revoke' || !clientId) return errorPage(new InvalidRequestError('Unknown action. Open /account again.'));

  const grants = (await deps.grants.userGrants(session.oid)).filter((g) => g.clientId === clientId);
  for (const grant of grants) await deps.grants.revokeGrant(grant.id, `revoked by the user ${session.oid} on /account`);
  log.info(`account: user ${session.oid} revoked client ${clientId} (${grants.length} grant(s))`);
  return { ...redirectResponse('/account?revoked=1'), status: 303 };
}

/** The user's grants by client: name and redirect hosts from the client's registration. */
async function connectedClients(deps: Pick<AccountDeps, 'clients'>, grants: readonly GrantInfo[]): Promise<ConnectedClient[]> {
  const byClient = new Map<string, GrantInfo[]>();
  for (const grant of grants) byClient.set(grant.clientId, [...(byClient.get(grant.clientId) ?? []), grant]);
  const clients: ConnectedClient[] = [];
  for (const [clientId, held] of byClient) {
    // A client deleted by an administrator, or a metadata document that no longer loads, still shows.
    const client = await deps.clients.getClient(clientId).catch(() => undefined);
    const hosts = client ? [...new Set(client.metadata.redirect_uris.map(redirectTarget))] : [];
    clients.push({
      clientId,
      name: client?.metadata.client_name ?? clientId,
      redirectHosts: hosts,
      firstUsed: Math.min(...held.map((g) => g.createdAt)),
      lastUsed: Math.max(...held.map((g) => g.lastUsedAt)),
      sessions: held.length,
    });
  }
  return clients.sort((a, b) => b.lastUsed - a.lastUsed);
}
