import type { IncomingMessage } from 'node:http';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { findResource, grantedAppRoles, servicePrincipalId } from './apps.js';
import { issueAppAccessToken } from './claims.js';
import { authenticateClient } from './client-auth.js';
import type { EmulatorContext } from './context.js';
import type { AppRegistration } from './directory.js';
import { EntraError } from './errors.js';
import { parseScopes } from './scopes.js';
import { findUser, issueUserTokens } from './user-tokens.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** `client_credentials`: one `{resource}/.default` scope, app roles granted to the client. */
export async function clientCredentialsGrant(ctx: EmulatorContext, req: IncomingMessage, form: URLSearchParams): Promise<Record<string, unknown>> {
  const client = await authenticateClient(ctx, req, form);
  if (client.level === '0') throw new EntraError('credentialRequired');
  const scope = form.get('scope') ?? '';
  const tokens = scope.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) throw new EntraError('missingParameter', { parameter: 'scope' });
  const only = tokens.length === 1 ? tokens[0]! : undefined;
  if (!only?.endsWith('/.default')) throw new EntraError('clientCredentialsScope', { scope });
  const identifier = only.slice(0, -'/.default'.length);
  const ref = findResource(ctx.directory, identifier);
  if (!ref) throw new EntraError('resourceNotFound', { resource: identifier, tenantName: ctx.directory.tenantName });
  const access = await issueAppAccessToken(ctx.tokens, {
    clientAppId: client.app.appId,
    clientObjectId: servicePrincipalId(client.app),
    resource: ref,
    roles: grantedAppRoles(client.app, ref.app),
    authLevel: client.level,
  });
  return { token_type: 'Bearer', expires_in: access.expiresIn, ext_expires_in: access.expiresIn, access_token: access.token };
}

/**
 * On-behalf-of: the `assertion` is a user's access token whose audience is the calling app; the result
 * is a token for the downstream resource (Graph for the tools), if the app holds consent for it.
 */
export async function onBehalfOfGrant(ctx: EmulatorContext, req: IncomingMessage, form: URLSearchParams): Promise<Record<string, unknown>> {
  ctx.counters.oboRequests++;
  const client = await authenticateClient(ctx, req, form);
  if (client.level === '0') throw new EntraError('credentialRequired');
  if (form.get('requested_token_use') !== 'on_behalf_of') throw new EntraError('missingParameter', { parameter: 'requested_token_use' });
  const assertion = form.get('assertion');
  if (!assertion) throw new EntraError('missingParameter', { parameter: 'assertion' });
  const claims = await verifyUserAssertion(ctx, assertion);
  const audiences = [claims.aud ?? []].flat();
  if (!audiences.some((a) => isAppAudience(client.app, a))) {
    throw new EntraError('oboAudience', { audience: audiences.join(','), clientId: client.app.appId });
  }
  if (typeof claims.scp !== 'string' || typeof claims.oid !== 'string') {
    throw new EntraError('invalidAssertion', { reason: 'The assertion is not a delegated (user) token' });
  }
  const scopes = parseScopes(ctx.directory, client.app, form.get('scope'), 'token');
  return issueUserTokens(ctx, {
    client: client.app,
    user: findUser(ctx, claims.oid),
    scopes,
    level: client.level,
    sid: typeof claims.sid === 'string' ? claims.sid : '',
    platform: 'web',
    offline: scopes.oidc.includes('offline_access'),
    clientInfo: form.get('client_info') === '1',
  });
}

function isAppAudience(app: AppRegistration, aud: string): boolean {
  return aud.toLowerCase() === app.appId.toLowerCase() || (app.identifierUris ?? []).some((u) => u.toLowerCase() === aud.toLowerCase());
}

async function verifyUserAssertion(ctx: EmulatorContext, assertion: string): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(assertion, createLocalJWKSet(ctx.tokens.keys.jwks()), {
      algorithms: ['RS256'],
      issuer: [ctx.tokens.issuerV1, ctx.tokens.issuerV2],
      currentDate: new Date(ctx.tokens.now() * 1000),
      clockTolerance: 300,
    });
    return payload;
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) throw new EntraError('assertionNotValidNow');
    const reason = e instanceof joseErrors.JOSEError ? e.code : 'malformed';
    throw new EntraError('invalidAssertion', { reason });
  }
}
