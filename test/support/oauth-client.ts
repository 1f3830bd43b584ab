// The protocol steps an MCP client performs itself (the ones that are not the browser's): discovery
// from the 401 challenge, registration, the authorization URL with PKCE, and the code redemption.
import { createHash, randomBytes } from 'node:crypto';

export interface Discovery {
  /** `resource_metadata` from the 401's WWW-Authenticate. */
  resourceMetadataUrl: string;
  /** `scope` from the challenge (what clients put in the authorization request). */
  challengeScope: string;
  resource: string;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  registrationEndpoint: string;
}

/** One `key="value"` parameter of a WWW-Authenticate header. */
function challengeParam(header: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(header)?.[1];
}

/** 401 on /mcp → protected-resource metadata → authorization-server metadata, as RFC 9728 and 8414 say. */
export async function discover(mcpUrl: string): Promise<Discovery> {
  const unauthenticated = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
  });
  await unauthenticated.body?.cancel();
  if (unauthenticated.status !== 401) throw new Error(`expected 401 from ${mcpUrl}, got ${unauthenticated.status}`);
  const header = unauthenticated.headers.get('www-authenticate') ?? '';
  const resourceMetadataUrl = challengeParam(header, 'resource_metadata');
  if (!resourceMetadataUrl) throw new Error(`no resource_metadata in "${header}"`);
  const prm = (await (await fetch(resourceMetadataUrl)).json()) as { resource: string; authorization_servers: string[] };
  const issuer = prm.authorization_servers[0]!;
  const as = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;
  return {
    resourceMetadataUrl,
    challengeScope: challengeParam(header, 'scope') ?? '',
    resource: prm.resource,
    issuer: as.issuer!,
    authorizationEndpoint: as.authorization_endpoint!,
    tokenEndpoint: as.token_endpoint!,
    registrationEndpoint: as.registration_endpoint!,
  };
}

export async function register(endpoint: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

export interface PkceRequest {
  url: string;
  state: string;
  verifier: string;
}

/** An authorization URL with S256 PKCE and a fresh state; `extra` adds `scope`, `resource`, … when given. */
export function authorizationUrl(endpoint: string, clientId: string, redirectUri: string, extra: Record<string, string | undefined> = {}): PkceRequest {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) url.searchParams.set(key, value);
  return { url: url.href, state, verifier };
}

export interface TokenAnswer {
  status: number;
  cacheControl: string | null;
  json: Record<string, unknown>;
}

/** POST /token as a public client (form-encoded, client_id in the body). */
export async function tokenRequest(endpoint: string, params: Record<string, string | undefined>): Promise<TokenAnswer> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) body.set(key, value);
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { status: response.status, cacheControl: response.headers.get('cache-control'), json: (await response.json()) as Record<string, unknown> };
}
