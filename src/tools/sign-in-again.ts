import { OboError } from '../entra/obo.js';
import type { GrantService } from '../oauth/grants.js';
import type { ClaimsChallengeStore } from '../store/claims-challenges.js';
import { EntraFailureError } from './errors.js';
import type { VerifiedToolUser } from './tool-user.js';

export interface SignInAgainDeps {
  claimsChallenges: Pick<ClaimsChallengeStore, 'put'>;
  grants: Pick<GrantService, 'revokeGrant'>;
  now: () => number;
}

/**
 * When on-behalf-of says the user must sign in again (Conditional Access wants MFA: AADSTS50076,
 * 50079; or the Entra session is gone: 50173, 700082, …), a reconnect alone would loop: the MCP client
 * would refresh the gateway session, the gateway would present the same Entra session, and Entra
 * would refuse again. So, before telling the user:
 *
 * 1. Entra's claims challenge is kept for this user (`tid`+`oid`): the gateway's /callback sends it as
 *    `claims` on the user's next Entra sign-in, which makes Entra run the policy's step (MFA) even
 *    though the gateway signs in for its own API, not for the downstream one the policy covers.
 * 2. The gateway session (grant) is ended, so its refresh token stops working and the MCP client has to
 *    run a new authorization (its next request gets 401 `invalid_token`) instead of refreshing silently.
 *
 * Returns the tool error to show, or `undefined` for OBO failures this does not handle.
 */
export async function requireSignInAgain(
  err: unknown,
  user: VerifiedToolUser,
  api: string,
  deps: SignInAgainDeps,
  log: (m: string) => void,
): Promise<EntraFailureError | undefined> {
  if (!(err instanceof OboError) || (err.kind !== 'interaction_required' && err.kind !== 'session_expired')) return undefined;
  const code = `AADSTS${err.aadsts}`;
  if (err.kind === 'interaction_required' && err.claims) {
    await deps.claimsChallenges.put({ tid: user.tid, oid: user.oid }, err.claims, deps.now());
  }
  if (!user.grantId) {
    // A direct Entra token: there is no gateway session to end; the client must fetch a new Entra token.
    const what =
      err.kind === 'interaction_required'
        ? `Entra ID requires additional verification (${code}) for ${api}`
        : `your Entra ID session can no longer be used (${code})`;
    return new EntraFailureError(
      err.kind,
      `This call used an Entra ID token directly, and ${what}. Get a new token from Entra ID (interactively${err.claims ? ', passing the claims challenge Entra returned' : ''}) and reconnect.`,
      err.aadsts,
    );
  }
  await deps.grants.revokeGrant(user.grantId, `Entra ID requires a new sign-in (${code})`);
  log(
    `grant ${user.grantId} of user ${user.oid} ended: Entra ID answered ${code} for ${api}${err.claims ? '; its claims challenge is kept for the next sign-in' : ''}`,
  );
  const message =
    err.kind === 'interaction_required'
      ? `Your organization requires additional verification (${err.aadsts === '50079' ? 'registering for multi-factor authentication' : 'multi-factor authentication'}, ${code}) before this gateway may use ${api} for you. ` +
        'This MCP session has been ended so that you sign in again: reconnect (or re-authenticate) the MCP client, sign in, and complete the verification Entra ID asks for; then call this tool again.'
      : `Your Entra ID sign-in can no longer be used (${code}: it expired or was revoked). This MCP session has been ended: reconnect (or re-authenticate) the MCP client and sign in again, then call this tool again.`;
  return new EntraFailureError(err.kind, message, err.aadsts);
}
