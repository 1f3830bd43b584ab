import * as z from 'zod';
import { readFormBody } from '../http/body.js';
import { countTokensIssued } from '../observability/metrics.js';
import { jsonResponse, NO_STORE, oauthErrorResponse } from '../http/respond.js';
import type { HttpInput, HttpOutput } from '../http/types.js';
import type { RegisteredClient } from './client.js';
import { InvalidRequestError, UnauthorizedClientError, UnsupportedGrantTypeError } from './errors.js';
import { authenticateClient, ClientAuthenticationError } from './flow/client-auth.js';
import type { ClientStore } from '../store/clients.js';
import type { ClientLookup } from './flow/authorize-request.js';
import { canonicalResource } from './flow/resource.js';
import type { GrantService, TokenResponse } from './grants.js';

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5) and RFC 8707 `resource`. */
const AuthorizationCodeGrantSchema = z.object({
  grant_type: z.literal('authorization_code'),
  code: z.string().min(1, 'code is required'),
  redirect_uri: z.string().min(1, 'redirect_uri is required'),
  code_verifier: z.string().min(1, 'code_verifier is required (PKCE)'),
  resource: z.string().optional(),
});

/** RFC 6749 §6 with RFC 8707 `resource`. */
const RefreshTokenGrantSchema = z.object({
  grant_type: z.literal('refresh_token'),
  refresh_token: z.string().min(1, 'refresh_token is required'),
  scope: z.string().optional(),
  resource: z.string().optional(),
});

export interface TokenEndpointDeps {
  config: { mcpResource: string };
  clients: ClientLookup & Partial<Pick<ClientStore, 'recordUse'>>;
  grants: Pick<GrantService, 'redeemCode' | 'refresh'>;
}

/** The realm of the Basic challenge sent back to a client whose Basic credentials failed. */
const BASIC_CHALLENGE = 'Basic realm="token", charset="UTF-8"';

/**
 * POST /token. Form-encoded only (`readFormBody`: no repeated parameters). Authenticates the client,
 * then runs its grant through the grant service, which does the single-use, binding, PKCE and
 * rotation checks. Answers are never cached.
 */
export async function handleToken(request: HttpInput, deps: TokenEndpointDeps): Promise<HttpOutput> {
  const form = await readFormBody(request);
  let client: RegisteredClient;
  try {
    client = await authenticateClient(request.headers.get('authorization'), form, deps.clients);
  } catch (err) {
    if (err instanceof ClientAuthenticationError && err.basic) return oauthErrorResponse(err, { 'WWW-Authenticate': BASIC_CHALLENGE });
    throw err;
  }
  const grantType = form.get('grant_type');
  if (!grantType) throw new InvalidRequestError('grant_type is required.');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw new UnsupportedGrantTypeError(`grant_type "${grantType.slice(0, 64)}" is not supported; use authorization_code or refresh_token.`);
  }
  if (!client.metadata.grant_types.includes(grantType)) {
    throw new UnauthorizedClientError(`This client did not register the ${grantType} grant.`);
  }
  const params = Object.fromEntries(form);
  const tokens = grantType === 'authorization_code' ? await redeem(params, client, deps) : await refresh(params, client, deps);
  // Tokens issued: the client is in use, so its registration lives on (unused ones expire).
  await deps.clients.recordUse?.(client);
  countTokensIssued(grantType);
  return jsonResponse(200, tokens, NO_STORE);
}

async function redeem(params: Record<string, string>, client: RegisteredClient, deps: TokenEndpointDeps): Promise<TokenResponse> {
  const grant = parse(AuthorizationCodeGrantSchema, params);
  return deps.grants.redeemCode(grant.code, {
    clientId: client.clientId,
    redirectUri: grant.redirect_uri,
    codeVerifier: grant.code_verifier,
    ...(grant.resource !== undefined ? { resource: canonicalResource(grant.resource, deps.config.mcpResource) } : {}),
  });
}

async function refresh(params: Record<string, string>, client: RegisteredClient, deps: TokenEndpointDeps): Promise<TokenResponse> {
  const grant = parse(RefreshTokenGrantSchema, params);
  // The gateway has one resource; naming another is refused rather than ignored (RFC 8707 §2.2).
  if (grant.resource !== undefined) canonicalResource(grant.resource, deps.config.mcpResource);
  return deps.grants.refresh(grant.refresh_token, {
    clientId: client.clientId,
    ...(grant.scope !== undefined ? { scope: grant.scope } : {}),
  });
}

function parse<T>(schema: z.ZodType<T>, params: Record<string, string>): T {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  throw new InvalidRequestError(result.error.issues.map((issue) => issue.message).join('; '));
}
