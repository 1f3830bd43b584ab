import type { EntraTokenValidator } from '../entra/jwt.js';
import type { GrantService } from '../oauth/grants.js';
import { InsufficientScopeError, InvalidTokenError, OAuthError } from '../oauth/errors.js';
import { DEFAULT_SCOPES, hasScopes, parseScope, SCOPE_TOOLS } from '../oauth/scopes.js';

/** Who an MCP request acts for, as the gateway established it. Holds credentials: never log it. */
export type McpPrincipal = GrantPrincipal | EntraPrincipal;

interface PrincipalBase {
  oid: string;
  tid: string;
  clientId: string;
  /** The gateway's scopes (`mcp:tools`, `mcp:admin`) this request may use. */
  scopes: string[];
  name?: string;
  username?: string;
  roles: string[];
  groups: string[];
}

/** A session token of the gateway: the user's Entra tokens live in the grant, sealed with `grantKey`. */
export interface GrantPrincipal extends PrincipalBase {
  kind: 'grant';
  grantId: string;
  grantKey: Uint8Array;
}

/** A direct Entra access token for the gateway's API; there is no grant to renew it from. */
export interface EntraPrincipal extends PrincipalBase {
  kind: 'entra';
  entraToken: string;
  /** Seconds since the epoch: the Entra token's `exp`. */
  expiresAt: number;
}

/** Every MCP route needs this; tools that need more (`mcp:admin`) check it themselves. */
export const REQUIRED_SCOPES: readonly string[] = [SCOPE_TOOLS];

/** No credentials at all: RFC 6750 §3.1 says the challenge then carries no error code. */
export class MissingTokenError extends OAuthError {
  static override readonly errorCode = 'invalid_request';
  static override readonly status = 401;
}

export interface AuthenticatorDeps {
  grants: Pick<GrantService, 'authenticateAccessToken'>;
  /** Present only when `config.entra.acceptEntraTokens`. */
  entraTokens?: EntraTokenValidator;
}

/** The token of `Authorization: Bearer <token>`; only the header method is supported (PRM says so). */
export function bearerToken(authorization: string | null): string {
  if (!authorization) throw new MissingTokenError('This MCP endpoint needs an OAuth access token: sign in first.');
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  if (!match?.[1]) throw new InvalidTokenError('The Authorization header must be "Bearer <access token>".');
  return match[1];
}

/**
 * Authenticates one MCP request. A compact JWE (five parts) is the gateway's session token, checked
 * by the grant service (iss, aud = the MCP resource, exp, grant active); a JWS (three parts) is a
 * direct Entra token, accepted only when configured. Anything else is `invalid_token`. Then the scope
 * check: a valid token without `mcp:tools` gets 403 `insufficient_scope`.
 */
export async function authenticateMcpRequest(deps: AuthenticatorDeps, authorization: string | null): Promise<McpPrincipal> {
  const token = bearerToken(authorization);
  const parts = token.split('.').length;
  let principal: McpPrincipal;
  if (parts === 5) {
    const { claims, grant, grantKey } = await deps.grants.authenticateAccessToken(token);
    principal = {
      kind: 'grant',
      oid: claims.sub,
      tid: claims.tid,
      clientId: claims.client_id,
      scopes: parseScope(claims.scope),
      name: grant.user.name,
      username: grant.user.username,
      roles: [...grant.user.roles],
      groups: [...grant.user.groups],
      grantId: claims.sid,
      grantKey,
    };
  } else if (parts === 3 && deps.entraTokens) {
    const entra = await deps.entraTokens.validate(token);
    principal = {
      kind: 'entra',
      oid: entra.oid,
      tid: entra.tid,
      clientId: entra.clientId,
      // An Entra token for the API's scope is worth the default gateway scopes, never `mcp:admin`.
      scopes: [...DEFAULT_SCOPES],
      entraToken: token,
      name: entra.name,
      username: entra.username,
      roles: entra.roles,
      groups: entra.groups,
      expiresAt: entra.exp,
    };
  } else {
    throw new InvalidTokenError('The access token is not one this server issued or accepts.');
  }
  if (!hasScopes(principal.scopes, REQUIRED_SCOPES)) {
    throw new InsufficientScopeError(`This MCP endpoint needs the scope "${REQUIRED_SCOPES.join(' ')}".`);
  }
  return principal;
}
