import { app } from '@azure/functions';
import type { Deps } from '../deps.js';
import { corsOAuthEndpoint } from '../http/endpoint.js';
import { authorizationServerMetadata, metadataResponse, protectedResourceMetadata } from '../oauth/metadata.js';

/**
 * OAuth discovery: RFC 9728 protected-resource metadata and RFC 8414 authorization-server metadata,
 * at the root and at the path-aware forms MCP clients derive from the MCP URLs (/mcp and /mcp/sse).
 * Explicit routes, not catch-alls: every other path stays denied — `openid-configuration` included (see
 * `authorizationServerMetadata` for why).
 */
const RESOURCE_PATHS = ['', '/mcp', '/mcp/sse'];

export function registerDiscoveryFunctions({ config }: Deps): void {
  const asMetadata = corsOAuthEndpoint(async () => metadataResponse(authorizationServerMetadata(config)));

  for (const path of RESOURCE_PATHS) {
    const suffix = path.replaceAll('/', '-');
    app.http(`oauth-protected-resource${suffix}`, {
      route: `.well-known/oauth-protected-resource${path}`,
      methods: ['GET', 'OPTIONS'],
      authLevel: 'anonymous',
      handler: corsOAuthEndpoint(async () => metadataResponse(protectedResourceMetadata(config, path || '/mcp'))),
    });
    app.http(`oauth-authorization-server${suffix}`, {
      route: `.well-known/oauth-authorization-server${path}`,
      methods: ['GET', 'OPTIONS'],
      authLevel: 'anonymous',
      handler: asMetadata,
    });
  }
}
