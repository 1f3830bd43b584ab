import type { Deps } from '../deps.js';
import { createGraphClient } from '../entra/graph.js';
import { createEntraTokenValidator } from '../entra/jwt.js';
import type { ToolDeps } from './tool.js';

export { TOOLS } from './requirements-table.js';

/**
 * The tools' dependencies from the app's: built once per process, so the JWKS cache of the token
 * validator and the OBO cache (inside `deps.obo`, on the one MSAL client) live as long as the instance.
 */
export function createToolDeps(deps: Pick<Deps, 'config' | 'grants' | 'clients' | 'obo'>): ToolDeps {
  const { config } = deps;
  return {
    user: {
      session: { config, grants: deps.grants },
      entraTokens: createEntraTokenValidator({
        authorityHost: config.entra.authorityHost,
        tenantId: config.entra.tenantId,
        allowedTenants: config.entra.allowedTenants,
        apiClientId: config.entra.apiClientId,
        apiScopeName: config.entra.apiScopeName,
      }),
      groupPermissions: config.groupPermissions,
    },
    groupPermissions: config.groupPermissions,
    appId: config.entra.clientId,
    graphBaseUrl: config.graphBaseUrl,
    obo: deps.obo,
    graph: createGraphClient({ baseUrl: config.graphBaseUrl }),
    clients: deps.clients,
    grants: deps.grants,
  };
}
