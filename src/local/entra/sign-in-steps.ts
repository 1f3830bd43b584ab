import { GRAPH_APP_ID, LOCAL_MFA_CODE } from '../defaults.js';
import { findApp, userRoles } from './apps.js';
import { challengedPolicies, policiesFor } from './conditional-access.js';
import type { EmulatorContext } from './context.js';
import type { AppRegistration, DirectoryUser } from './directory.js';
import { EntraError } from './errors.js';
import { consentPage, errorPage, mfaPage, signInPage } from './html.js';
import { missingConsent, type RequestedScopes } from './scopes.js';

/** What the steps need of the validated authorize request. */
export interface SignInRequest {
  app: AppRegistration;
  scopes: RequestedScopes;
  /** The authorize request's `claims` parameter (a Conditional Access claims challenge), if any. */
  claims: string | null;
  /** The form action: the authorize URL with its query, so every step posts the same request. */
  action: string;
}

export type SignInOutcome =
  { kind: 'page'; html: string; status?: number } | { kind: 'error'; error: EntraError } | { kind: 'done'; user: DirectoryUser; mfa: boolean };

/**
 * The interactive sign-in after the form is posted, step by step as Entra runs it:
 * 1. password (or, on a later step, the ticket of the sign-in in progress);
 * 2. assignment: an app with `appRoleAssignmentRequired` refuses a user who holds none of its roles
 *    and is not in `assignedUsers` (AADSTS50105, `access_denied` to the client);
 * 3. Conditional Access for the requested resources and for the policies a `claims` challenge names:
 *    `block` shows Entra's error page (AADSTS53003); `mfa` asks for the second factor;
 * 4. consent for scopes neither the tenant nor the user granted: "Permissions requested" (Accept /
 *    Cancel), or "Need admin approval" when users may not consent; declining is AADSTS65004
 *    (`access_denied`, `error_subcode=cancel`).
 */
export function continueSignIn(ctx: EmulatorContext, request: SignInRequest, form: URLSearchParams): SignInOutcome {
  let user: DirectoryUser | undefined;
  let mfa = false;
  const ticket = form.get('ticket');
  if (ticket !== null) {
    const progress = ctx.grants.takeProgress(ticket);
    user = progress && progress.clientId === request.app.appId ? ctx.directory.users.find((u) => u.oid === progress.userOid) : undefined;
    if (!progress || !user) {
      return {
        kind: 'page',
        html: signInPage({ action: request.action, appName: request.app.displayName, error: 'Your sign-in timed out. Please sign in again.' }),
      };
    }
    mfa = progress.mfa;
    if (progress.awaiting === 'mfa') {
      if (form.get('otc')?.trim() !== LOCAL_MFA_CODE) {
        const again = ctx.grants.saveProgress({ userOid: user.oid, clientId: request.app.appId, mfa: false, awaiting: 'mfa' });
        return mfaStep(request, user, again, "You didn't enter the expected verification code. Please try again.");
      }
      mfa = true;
      user.mfaRegistered = true;
    } else if (progress.awaiting === 'consent') {
      if (form.get('consent') !== 'accept') return { kind: 'error', error: new EntraError('consentDeclined') };
      recordConsent(ctx, request, user);
    }
  } else {
    const username = form.get('username')?.trim().toLowerCase() ?? '';
    user = ctx.directory.users.find((u) => u.username.toLowerCase() === username);
    if (!user || user.password === undefined || user.password !== form.get('password')) {
      const error = 'Your account or password is incorrect. If you don’t remember your password, reset it now.';
      return { kind: 'page', html: signInPage({ action: request.action, appName: request.app.displayName, loginHint: username, error }) };
    }
  }

  const unassigned = [request.app, ...request.scopes.resources.map((r) => r.ref.app)].find((app) => app.appRoleAssignmentRequired && !isAssigned(user, app));
  if (unassigned) {
    return { kind: 'error', error: new EntraError('userNotAssigned', { appName: unassigned.displayName, appId: unassigned.appId, user: user.username }) };
  }

  const policies = [
    ...resourcesOf(ctx, request.scopes).flatMap((app) => policiesFor(ctx.directory, user, app)),
    ...challengedPolicies(ctx.directory, request.claims),
  ];
  if (policies.some((p) => p.grant === 'block')) {
    return { kind: 'page', status: 400, html: errorPage(new EntraError('blockedByConditionalAccess')) };
  }
  if (!mfa && policies.some((p) => p.grant === 'mfa')) {
    return mfaStep(request, user, ctx.grants.saveProgress({ userOid: user.oid, clientId: request.app.appId, mfa: false, awaiting: 'mfa' }));
  }

  const signedIn = user;
  const missing = missingConsent(request.app, request.scopes, (resourceAppId) =>
    ctx.grants.userConsentedScopes(signedIn.oid, request.app.appId, resourceAppId),
  );
  if (missing.length > 0) {
    const next = ctx.grants.saveProgress({ userOid: user.oid, clientId: request.app.appId, mfa, awaiting: 'consent' });
    const permissions = missing.flatMap((m) => m.names.map((n) => `${m.resource.ref.app.displayName}: ${n}`));
    return {
      kind: 'page',
      html: consentPage({
        action: request.action,
        ticket: next,
        appName: request.app.displayName,
        username: user.username,
        permissions,
        adminApprovalNeeded: !ctx.directory.userConsent,
      }),
    };
  }
  return { kind: 'done', user, mfa };
}

function mfaStep(request: SignInRequest, user: DirectoryUser, ticket: string, error?: string): SignInOutcome {
  return {
    kind: 'page',
    html: mfaPage({ action: request.action, ticket, username: user.username, register: user.mfaRegistered === false, code: LOCAL_MFA_CODE, error }),
  };
}

/** The resources a sign-in issues tokens for: those of its scopes, or Microsoft Graph for OIDC scopes only. */
function resourcesOf(ctx: EmulatorContext, scopes: RequestedScopes): AppRegistration[] {
  const apps = scopes.resources.map((r) => r.ref.app);
  const graph = findApp(ctx.directory, GRAPH_APP_ID);
  return apps.length > 0 || !graph ? apps : [graph];
}

function isAssigned(user: DirectoryUser, app: AppRegistration): boolean {
  const byName = (app.assignedUsers ?? []).some((u) => u.toLowerCase() === user.oid.toLowerCase() || u.toLowerCase() === user.username.toLowerCase());
  return byName || userRoles(user, app).length > 0;
}

/** Accept on the consent step: the user's consent for every requested scope (`.default`: the resource's scopes). */
function recordConsent(ctx: EmulatorContext, request: SignInRequest, user: DirectoryUser): void {
  for (const r of request.scopes.resources) {
    const names = r.names.includes('.default') ? (r.ref.app.exposedScopes ?? []) : r.names;
    ctx.grants.recordUserConsent(user.oid, request.app.appId, r.ref.app.appId, names);
  }
}
