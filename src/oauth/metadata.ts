import type { Config } from '../config/index.js';
import { jsonResponse } from '../http/respond.js';
import type { HttpOutput } from '../http/types.js';
import { TOKEN_ENDPOINT_AUTH_METHODS } from './client.js';
import { SUPPORTED_SCOPES } from './scopes.js';

/**
 * The discovery documents, built once from the configuration (never by proxying Entra, whose own
 * metadata is what MCP clients cannot use). The issuer is BASE_URL exactly, without a trailing slash,
 * because clients compare it byte for byte with the URL they derived the metadata URL from.
 */

/**
 * RFC 9728 protected-resource metadata. `resourcePath` is the path the client fetched it for (`/mcp` or
 * `/mcp/sse`): RFC 9728 §3.3 has the client check that `resource` is the URL it derived the metadata URL
 * from, so `/.well-known/oauth-protected-resource/mcp/sse` names `{BASE_URL}/mcp/sse`. Both are one
 * protected resource: tokens are issued for `{BASE_URL}/mcp` whichever the client names, and work on
 * both transports.
 */
export function protectedResourceMetadata(config: Config, resourcePath = '/mcp') {
  return {
    resource: resourcePath === '/mcp/sse' ? `${config.mcpResource}/sse` : config.mcpResource,
    authorization_servers: [config.baseUrl],
    scopes_supported: [...SUPPORTED_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: 'Entra MCP Gateway',
  };
}

/**
 * RFC 8414 authorization-server metadata. Not served as `openid-configuration`: the gateway issues no ID
 * tokens and has no `jwks_uri` or `userinfo`, so that document would be invalid OpenID metadata; clients
 * that try it first fall back to the RFC 8414 path on a 404.
 *
 * `scopes_supported` adds `offline_access` to the gateway's scopes: claude.ai and ChatGPT ask for it when
 * the AS lists it and otherwise assume no refresh tokens; /authorize accepts and drops it (refresh tokens
 * are always issued). It is never in the protected-resource metadata or a challenge: it is not a scope of
 * the MCP resource.
 */
export function authorizationServerMetadata(config: Config) {
  const base = config.baseUrl;
  return {
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    registration_endpoint: `${base}/register`,
    revocation_endpoint: `${base}/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    scopes_supported: [...SUPPORTED_SCOPES, 'offline_access'],
    client_id_metadata_document_supported: true,
    authorization_response_iss_parameter_supported: true,
  };
}

/** Metadata changes only with the configuration, so clients and proxies may cache it for an hour. */
export function metadataResponse(document: object): HttpOutput {
  return jsonResponse(200, document, { 'Cache-Control': 'public, max-age=3600' });
}
