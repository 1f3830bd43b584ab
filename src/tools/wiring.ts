import type { Deps } from '../deps.js';
import { createGraphClient } from '../entra/graph.js';
import { createEntraTokenValidator } from '../entra/jwt.js';
import { createGroupMembershipResolver } from './group-membership.js';
import type { ToolDeps } from './tool.js';

export { TOOLS } from './requirements-table.js';

/**
 * The tools' dependencies from the app's: built once per process, so the JWKS cache of the token
 * validator and the OBO cache (inside `deps.obo`, on the one MSAL client) live as long as the instance.
 */
export function createToolDeps(deps: Pick<Deps, 'config' | 'grants' | 'clients' | 'obo' | 'claimsChallenges'>): ToolDeps {
  const { config } = deps;
  const graph = createGraphClient({ baseUrl: config.graphBaseUrl });
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
      groupMembership: createGroupMembershipResolver({ obo: deps.obo, graph }),
    },
    groupPermissions: config.groupPermissions,
    appId: config.entra.clientId,
    graphBaseUrl: config.graphBaseUrl,
    obo: deps.obo,
    graph,
    clients: deps.clients,
    grants: deps.grants,
    claimsChallenges: deps.claimsChallenges,
  };
}
