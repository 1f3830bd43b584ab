import type { Platform } from './apps.js';
import { clientInfo, issueDelegatedAccessToken, issueIdToken, type ClientAuthLevel } from './claims.js';
import type { EmulatorContext } from './context.js';
import type { AppRegistration, DirectoryUser } from './directory.js';
import { EntraError } from './errors.js';
import { checkSessionNotRevoked, conditionalAccessError } from './conditional-access.js';
import { grantedScopes, requireConsent, responseScope, singleResource, type RequestedScopes } from './scopes.js';

export interface UserTokenRequest {
  client: AppRegistration;
  user: DirectoryUser;
  scopes: RequestedScopes;
  level: ClientAuthLevel;
  sid: string;
  platform: Platform;
  /** Whether the grant may carry a refresh token (the original request asked for `offline_access`). */
  offline: boolean;
  clientInfo: boolean;
  nonce?: string;
}

export function findUser(ctx: EmulatorContext, oid: string): DirectoryUser {
  const user = ctx.directory.users.find((u) => u.oid === oid);
  if (!user) throw new EntraError('grantInvalid');
  return user;
}

/** The token response Entra gives for a user: access token for one resource, and RT / ID token as asked. */
export async function issueUserTokens(ctx: EmulatorContext, r: UserTokenRequest): Promise<Record<string, unknown>> {
  const resource = singleResource(ctx.directory, r.scopes);
  // The session the tokens come from decides as in Entra: revoked (50173), then Conditional Access for
  // the resource (50076 / 50079 / 53003 with a claims challenge), then consent (tenant's or the user's).
  const session = ctx.grants.session(r.sid);
  checkSessionNotRevoked(r.user, session);
  const blocked = conditionalAccessError(ctx.directory, r.user, resource.ref.app, session);
  if (blocked) throw blocked;
  const userConsent = (resourceAppId: string) => ctx.grants.userConsentedScopes(r.user.oid, r.client.appId, resourceAppId);
  requireConsent(r.client, r.scopes, userConsent);
  const scp = grantedScopes(r.client, resource, userConsent);
  const isGraphOidcOnly = r.scopes.resources.length === 0;
  const tokenScp = isGraphOidcOnly ? r.scopes.oidc.filter((s) => s !== 'offline_access') : scp;
  const access = await issueDelegatedAccessToken(ctx.tokens, {
    client: r.client,
    user: r.user,
    resource: resource.ref,
    scp: tokenScp,
    authLevel: r.level,
    sid: r.sid,
    mfa: session?.mfa,
    groupsLimit: ctx.directory.groupsOverageLimit,
  });
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: isGraphOidcOnly ? tokenScp.join(' ') : responseScope(resource, scp, r.scopes.oidc),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (r.offline) {
    body.refresh_token = ctx.grants.issueRefreshToken({
      clientId: r.client.appId,
      platform: r.platform,
      userOid: r.user.oid,
      scope: r.scopes.raw,
      sid: r.sid,
    });
  }
  if (r.scopes.oidc.includes('openid')) {
    body.id_token = await issueIdToken(ctx.tokens, { client: r.client, user: r.user, nonce: r.nonce, email: r.scopes.oidc.includes('email') });
  }
  if (r.clientInfo) body.client_info = clientInfo(r.user, ctx.directory.tenantId);
  return body;
}
