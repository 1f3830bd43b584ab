import type { IncomingMessage, ServerResponse } from 'node:http';
import { calculatePKCECodeChallenge } from 'oauth4webapi';
import type { Platform } from './apps.js';
import { authenticateClient, type AuthenticatedClient } from './client-auth.js';
import type { EmulatorContext } from './context.js';
import type { TokenRequestRecord } from './state.js';
import { entraTimestamp, EntraError } from './errors.js';
import { readForm, sendJson } from './http.js';
import { checkResourceParameter, isSelfByUri, parseScopes, singleResource } from './scopes.js';
import { clientCredentialsGrant, JWT_BEARER_GRANT, onBehalfOfGrant } from './token-app.js';
import { findUser, issueUserTokens } from './user-tokens.js';

type Grant = (ctx: EmulatorContext, req: IncomingMessage, form: URLSearchParams) => Promise<Record<string, unknown>>;

const GRANTS: Record<string, Grant> = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
  [JWT_BEARER_GRANT]: onBehalfOfGrant,
};

/** `/{tenant}/oauth2/v2.0/token`: every failure is Entra's JSON error body. */
export async function handleToken(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const form = await readForm(req);
  // Entra echoes the caller's `client-request-id` (MSAL sends it) as the correlation id.
  const correlationId = url.searchParams.get('client-request-id') ?? headerValue(req, 'client-request-id') ?? form.get('client-request-id');
  const grantType = form.get('grant_type') ?? '';
  ctx.counters.tokenRequests[grantType] = (ctx.counters.tokenRequests[grantType] ?? 0) + 1;
  ctx.counters.tokenRequestLog.push({ grantType, clientAuth: clientAuthMethod(req, form) });
  try {
    if (!grantType) throw new EntraError('missingParameter', { parameter: 'grant_type' });
    const grant = GRANTS[grantType];
    if (!grant) throw new EntraError('unsupportedGrantType', { grantType });
    sendJson(res, 200, await grant(ctx, req, form), correlationId ? { 'client-request-id': correlationId } : {});
  } catch (e) {
    if (!(e instanceof EntraError)) throw e;
    if (correlationId) e.correlationId = correlationId;
    sendJson(res, e.status, e.toJson(ctx.origin));
  }
}

function clientAuthMethod(req: IncomingMessage, form: URLSearchParams): TokenRequestRecord['clientAuth'] {
  if (form.has('client_assertion')) return 'client_assertion';
  if (form.has('client_secret') || /^basic /i.test(req.headers.authorization ?? '')) return 'client_secret';
  return 'none';
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (!v) throw new EntraError('missingParameter', { parameter: name });
  return v;
}

/**
 * How a code may be redeemed depends on the platform of its redirect URI: web codes need the client's
 * credential and a same-origin (server) request; SPA codes need PKCE and a cross-origin (browser)
 * request; mobile/desktop codes are redeemed by a public client, without credentials.
 */
function checkPlatform(req: IncomingMessage, platform: Platform, client: AuthenticatedClient, pkceUsed: boolean): void {
  const origin = headerValue(req, 'origin');
  if (platform === 'spa') {
    if (!pkceUsed) throw new EntraError('spaPkceRequired');
    if (!origin) throw new EntraError('spaNeedsCrossOrigin');
    return;
  }
  if (origin) throw new EntraError('crossOriginNotSpa', { origin });
  if (platform === 'web' && client.level === '0') throw new EntraError('credentialRequired');
  if (platform === 'publicClient' && client.level !== '0') throw new EntraError('publicClientCredential');
}

async function authorizationCodeGrant(ctx: EmulatorContext, req: IncomingMessage, form: URLSearchParams): Promise<Record<string, unknown>> {
  const code = required(form, 'code');
  const client = await authenticateClient(ctx, req, form);
  const taken = ctx.grants.takeCode(code);
  if (!taken || taken.record.clientId !== client.app.appId) throw new EntraError('codeInvalid');
  const { record, alreadyRedeemed } = taken;
  if (alreadyRedeemed) throw new EntraError('codeRedeemed');
  if (ctx.grants.codeExpired(record)) throw new EntraError('grantExpired');
  const redirectUri = required(form, 'redirect_uri');
  if (redirectUri !== record.redirectUri) throw new EntraError('replyAddressMismatch', { redirectUri, expected: record.redirectUri });
  checkPlatform(req, record.platform, client, Boolean(record.codeChallenge));
  if (record.codeChallenge) {
    const verifier = form.get('code_verifier') ?? '';
    const computed = record.codeChallengeMethod === 'S256' ? await calculatePKCECodeChallenge(verifier) : verifier;
    if (!verifier || computed !== record.codeChallenge) throw new EntraError('pkceMismatch');
  }
  const original = parseScopes(ctx.directory, client.app, record.scope);
  const scopes = form.get('scope') ? parseScopes(ctx.directory, client.app, form.get('scope'), 'token') : original;
  checkResourceParameter(scopes, form.get('resource'));
  return issueUserTokens(ctx, {
    client: client.app,
    user: findUser(ctx, record.userOid),
    scopes,
    level: client.level,
    sid: record.sid,
    platform: record.platform,
    offline: original.oidc.includes('offline_access'),
    clientInfo: form.get('client_info') === '1',
    nonce: record.nonce,
  });
}

async function refreshTokenGrant(ctx: EmulatorContext, req: IncomingMessage, form: URLSearchParams): Promise<Record<string, unknown>> {
  const token = required(form, 'refresh_token');
  const client = await authenticateClient(ctx, req, form);
  const found = ctx.grants.findRefreshToken(token);
  if (!found || found.record.clientId !== client.app.appId) throw new EntraError('grantInvalid');
  const { record } = found;
  if (found.expired) {
    const issued = new Date(record.issuedAt * 1000);
    throw new EntraError('refreshTokenExpired', { issued: entraTimestamp(issued), inactive: `${Math.floor(ctx.tokens.now() - record.issuedAt)} seconds` });
  }
  if (record.platform === 'web' && client.level === '0') throw new EntraError('credentialRequired');
  // Entra's refresh tokens are multi-resource: a refresh may name another consented resource.
  const scopes = parseScopes(ctx.directory, client.app, form.get('scope') ?? record.scope, 'token');
  checkResourceParameter(scopes, form.get('resource'));
  const resource = singleResource(ctx.directory, scopes);
  // Design row 11: refreshing a token for the app itself works only with the GUID form of its scope,
  // and only when the scope is named: a scope-less refresh of the app's own grant is refused too.
  const forItself = resource.ref.app.appId === client.app.appId && (isSelfByUri(client.app, resource) || !form.get('scope'));
  if (forItself) throw new EntraError('tokenForItself', { appId: client.app.appId, appName: resource.ref.requestedAs });
  return issueUserTokens(ctx, {
    client: client.app,
    user: findUser(ctx, record.userOid),
    scopes,
    level: client.level,
    sid: record.sid,
    platform: record.platform,
    offline: true,
    clientInfo: form.get('client_info') === '1',
  });
}
