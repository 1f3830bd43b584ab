import type { AuthorizationRequest } from '../../store/authorizations.js';
import type { RegisteredClient } from '../client.js';
import { InvalidClientError, InvalidRequestError, OAuthError, UnauthorizedClientError, UnsupportedResponseTypeError } from '../errors.js';
import { isWellFormedCodeChallenge, PKCE_METHOD } from '../pkce.js';
import { findMatchingRedirectUri } from '../redirect-uri.js';
import { DEFAULT_SCOPES, parseScope, resolveRequestedScopes } from '../scopes.js';
import { canonicalResource } from './resource.js';

/** Looks a client up by id (DCR or CIMD); undefined when unknown. */
export interface ClientLookup {
  getClient(clientId: string): Promise<RegisteredClient | undefined>;
}

/**
 * An error found before the client and its redirect URI were trusted: shown on a page, never
 * redirected (RFC 6749 §4.1.2.1), or the redirect would hand an attacker-chosen URI the response.
 */
export class UntrustedRedirectError extends Error {
  constructor(readonly error: OAuthError) {
    super(error.description);
  }
}

/**
 * An error found after the client and redirect URI were validated. It may be sent to the redirect URI
 * only once the person has approved that client and URI (see `handleAuthorize`).
 */
export class ClientRedirectError extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri: string,
    readonly clientState: string | undefined,
    /** The client and the registered redirect URI the request matched: the consent memory's key. */
    readonly consentKey: { clientId: string; redirectUri: string },
  ) {
    super(error.description);
  }
}

export interface ValidatedAuthorization {
  client: RegisteredClient;
  /** The registered redirect URI the request matched (its port may differ for loopback). */
  registeredRedirectUri: string;
  request: AuthorizationRequest;
}

const MAX_PARAMETER_LENGTH = 2048;

/** One query parameter: absent, or present once and not too long (RFC 6749 §3.1: no repeats). */
function single(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new InvalidRequestError(`The parameter "${name}" is included more than once.`);
  const value = values[0];
  if (value !== undefined && value.length > MAX_PARAMETER_LENGTH) {
    throw new InvalidRequestError(`The parameter "${name}" is longer than ${MAX_PARAMETER_LENGTH} characters.`);
  }
  return value === '' ? undefined : value;
}

/**
 * Validates an authorization request in the order RFC 6749 §4.1.2.1 requires: first the client and the
 * redirect URI (failures throw `UntrustedRedirectError`), then everything else (failures throw
 * `ClientRedirectError` carrying where to send them).
 */
export async function validateAuthorizationRequest(query: URLSearchParams, clients: ClientLookup, mcpResource: string): Promise<ValidatedAuthorization> {
  const { client, redirectUri, registeredRedirectUri } = await trustClientAndRedirect(query, clients);
  const consentKey = { clientId: client.clientId, redirectUri: registeredRedirectUri };
  let clientState: string | undefined;
  try {
    clientState = single(query, 'state');
  } catch (err) {
    throw new ClientRedirectError(err as OAuthError, redirectUri, undefined, consentKey);
  }
  try {
    const request = checkRequest(query, client, redirectUri, mcpResource);
    return { client, registeredRedirectUri, request: { ...request, ...(clientState !== undefined ? { state: clientState } : {}) } };
  } catch (err) {
    if (err instanceof OAuthError) throw new ClientRedirectError(err, redirectUri, clientState, consentKey);
    throw err;
  }
}

async function trustClientAndRedirect(query: URLSearchParams, clients: ClientLookup) {
  try {
    const clientId = single(query, 'client_id');
    if (!clientId) throw new InvalidRequestError('The request has no client_id. Register the client first (POST /register).');
    const client = await clients.getClient(clientId);
    if (!client) throw new InvalidClientError('This client is not registered with this server (unknown client_id). Register it again.');
    const redirectUri = single(query, 'redirect_uri');
    if (!redirectUri) throw new InvalidRequestError('The request has no redirect_uri; it is required.');
    const registeredRedirectUri = findMatchingRedirectUri(client.metadata.redirect_uris, redirectUri);
    if (!registeredRedirectUri) {
      throw new InvalidRequestError('The redirect_uri is not one this client registered, so the response cannot be sent there.');
    }
    return { client, redirectUri, registeredRedirectUri };
  } catch (err) {
    if (err instanceof OAuthError) throw new UntrustedRedirectError(err);
    throw err;
  }
}

function checkRequest(query: URLSearchParams, client: RegisteredClient, redirectUri: string, mcpResource: string) {
  const responseType = single(query, 'response_type');
  if (responseType !== 'code') {
    throw new UnsupportedResponseTypeError('Only response_type=code is supported.');
  }
  if (!client.metadata.response_types.includes('code') || !client.metadata.grant_types.includes('authorization_code')) {
    throw new UnauthorizedClientError('This client did not register for the authorization_code grant.');
  }
  const method = single(query, 'code_challenge_method');
  const codeChallenge = single(query, 'code_challenge');
  if (!codeChallenge) throw new InvalidRequestError('PKCE is required: send code_challenge with code_challenge_method=S256.');
  // OAuth 2.1 §4.1.1: an absent method means "plain", which is refused like an explicit one.
  if (method !== PKCE_METHOD) throw new InvalidRequestError('Only code_challenge_method=S256 is supported; "plain" is refused.');
  if (!isWellFormedCodeChallenge(codeChallenge)) {
    throw new InvalidRequestError('code_challenge must be the base64url SHA-256 of the code verifier (43 characters).');
  }
  const resource = canonicalResource(single(query, 'resource'), mcpResource);
  const scopes = grantableScopes(single(query, 'scope'), client);
  return { clientId: client.clientId, redirectUri, scopes, resource, codeChallenge, codeChallengeMethod: PKCE_METHOD } as const;
}

/**
 * The scopes to ask consent for. None requested: the defaults the client registered, else all it
 * registered. Some requested: each must be one the gateway supports (`resolveRequestedScopes`), even if
 * the client did not register it — MCP's step-up has a client that registered with the first
 * challenge's scope ask later for the one a tool needs (403 `insufficient_scope`). The user sees every
 * scope on the consent page, and tools still check the user's roles.
 */
function grantableScopes(scope: string | undefined, client: RegisteredClient): string[] {
  const registered = parseScope(client.metadata.scope);
  if (!scope) {
    const defaults = DEFAULT_SCOPES.filter((s) => registered.includes(s));
    return defaults.length > 0 ? defaults : registered;
  }
  return resolveRequestedScopes(scope);
}
