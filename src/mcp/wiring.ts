import type { Deps } from '../deps.js';
import { createEntraTokenValidator } from '../entra/jwt.js';
import { createMcpGatewayHandler, type McpHandler } from './handler.js';

/** Builds the gateway handler from the app's dependencies (no network call until the first request). */
export function createMcpHandlerFromDeps(deps: Pick<Deps, 'config' | 'grants'>): McpHandler {
  const { config } = deps;
  const entraTokens = config.entra.acceptEntraTokens
    ? createEntraTokenValidator({
        authorityHost: config.entra.authorityHost,
        tenantId: config.entra.tenantId,
        allowedTenants: config.entra.allowedTenants,
        apiClientId: config.entra.apiClientId,
        apiScopeName: config.entra.apiScopeName,
      })
    : undefined;
  return createMcpGatewayHandler({
    baseUrl: config.baseUrl,
    allowedOrigins: config.mcpAllowedOrigins,
    extensionUrl: config.mcpExtension.url,
    extensionKey: config.mcpExtension.key,
    keyRing: config.tokens.encryptionKeys,
    sessionLifetimeSeconds: config.tokens.refreshTokenTtlSeconds,
    authenticator: { grants: deps.grants, entraTokens },
    grants: deps.grants,
    groupPermissions: config.groupPermissions,
  });
}
