import type { AppRegistration, ConditionalAccessPolicy, Directory, DirectoryUser } from './directory.js';
import { entraTimestamp, EntraError } from './errors.js';

/**
 * Conditional Access and sign-in sessions, reduced to what decides whether Entra issues a token:
 *
 * - A sign-in creates a session (`sid`): who, when, and whether the second factor was done. Tokens
 *   issued later from that session (code redemption, refresh, on-behalf-of with a token of the
 *   session) inherit it, as in Entra, where the session's authentication methods travel with it.
 * - A policy that covers the user and the resource of the token asks for MFA (AADSTS50076, or 50079
 *   when the user has no method registered) or blocks (AADSTS53003). The error carries Entra's claims
 *   challenge, `{"access_token":{"capolids":{"essential":true,"values":[policy ids]}}}`; an interactive
 *   sign-in that sends it back as `claims` gets the second-factor step even when the resource it asks
 *   for is not covered by the policy, and its session then satisfies the policy.
 * - Revoking a user's sessions (`signInSessionsValidFrom`) refuses sessions that started before it
 *   (AADSTS50173).
 */
export interface SignInSession {
  userOid: string;
  /** Epoch ms of the interactive sign-in. */
  authTime: number;
  mfa: boolean;
}

const matches = (list: readonly string[] | undefined, values: string[]) =>
  list === undefined || list.some((entry) => values.some((v) => v.toLowerCase() === entry.toLowerCase()));

/** The policies covering `user` when a token for `resource` is issued. */
export function policiesFor(directory: Directory, user: DirectoryUser, resource: AppRegistration): ConditionalAccessPolicy[] {
  const resourceNames = [resource.appId, ...(resource.identifierUris ?? [])];
  return directory.conditionalAccess.filter((p) => matches(p.users, [user.oid, user.username]) && matches(p.resources, resourceNames));
}

/** The MFA policies named by the `claims` parameter of an authorize request (`capolids` or `polids`). */
export function challengedPolicies(directory: Directory, claims: string | null): ConditionalAccessPolicy[] {
  if (!claims) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    return [];
  }
  const accessToken = (parsed as { access_token?: Record<string, { values?: unknown }> } | null)?.access_token ?? {};
  const ids = [accessToken.capolids?.values, accessToken.polids?.values].flat().filter((v): v is string => typeof v === 'string');
  return directory.conditionalAccess.filter((p) => p.grant === 'mfa' && ids.includes(p.id));
}

export function claimsChallenge(policies: ConditionalAccessPolicy[]): string {
  return JSON.stringify({ access_token: { capolids: { essential: true, values: policies.map((p) => p.id) } } });
}

/** The error a token request gets for this user, resource and session, or undefined when a token may be issued. */
export function conditionalAccessError(
  directory: Directory,
  user: DirectoryUser,
  resource: AppRegistration,
  session: SignInSession | undefined,
): EntraError | undefined {
  const policies = policiesFor(directory, user, resource);
  const blocking = policies.filter((p) => p.grant === 'block');
  const mfa = policies.filter((p) => p.grant === 'mfa');
  let error: EntraError | undefined;
  if (blocking.length > 0) {
    error = new EntraError('blockedByConditionalAccess');
    error.claims = claimsChallenge(blocking);
  } else if (mfa.length > 0 && !session?.mfa) {
    error = new EntraError(user.mfaRegistered === false ? 'mfaRegistrationRequired' : 'mfaRequired', { resource: resource.appId });
    error.claims = claimsChallenge(mfa);
  }
  return error;
}

/** AADSTS50173 when the user's sessions were revoked after this one started. */
export function checkSessionNotRevoked(user: DirectoryUser, session: SignInSession | undefined): void {
  const validFrom = user.signInSessionsValidFrom;
  if (validFrom === undefined || !session || session.authTime >= validFrom) return;
  throw new EntraError('sessionRevoked', { issued: entraTimestamp(new Date(session.authTime)), validFrom: entraTimestamp(new Date(validFrom)) });
}
