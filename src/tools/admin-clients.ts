import type { RegisteredClient } from '../oauth/client.js';
import { SCOPE_ADMIN } from '../oauth/scopes.js';
import { MAX_PAGE } from '../store/clients.js';
import { defineTool } from './define.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import { ADMIN_ROLE } from './roles.js';
import { audit } from '../observability/audit.js';

/**
 * Administration of the registered MCP clients. Both need the session scope `mcp:admin` (the client
 * was authorized for administration) and, from the user, the app role `MCP.Admin` or the group
 * permission for the action (GROUP_PERMISSIONS), so an operator can delegate just listing.
 */

function summary(client: RegisteredClient) {
  return {
    clientId: client.clientId,
    clientName: client.metadata.client_name ?? null,
    redirectUris: client.metadata.redirect_uris,
    tokenEndpointAuthMethod: client.metadata.token_endpoint_auth_method,
    scope: client.metadata.scope,
    registeredAt: new Date(client.issuedAt * 1000).toISOString(),
  };
}

export const listClientsTool = defineTool({
  name: 'list_clients',
  description: `Lists the MCP clients registered with this gateway (dynamic client registration): client id, name, redirect URIs and registration time, at most ${MAX_PAGE} per call in client id order. When more remain, the result names a cursor: call again with it. Administrators only.`,
  args: {
    cursor: { type: 'string', optional: true, description: 'The cursor a previous list_clients call returned, for the next page; omit it for the first page.' },
  },
  requires: { scopes: [SCOPE_ADMIN], roles: [ADMIN_ROLE], permissions: ['clients.read'] },
  async run({ args }, deps) {
    const cursor = args.cursor;
    if (cursor !== undefined && cursor !== '' && (typeof cursor !== 'string' || cursor.length > 255)) {
      throw new InvalidArgumentError('cursor must be the value a previous list_clients call returned.');
    }
    const page = await deps.clients.listClients({ ...(cursor ? { after: cursor } : {}), limit: MAX_PAGE });
    const clients = page.clients.map(summary);
    const lines = clients.map((c) => `- ${c.clientId}: ${c.clientName ?? '(no name)'}, ${c.redirectUris.join(' ')}, registered ${c.registeredAt}`);
    const more = page.next ? [`More clients follow: call list_clients with cursor "${page.next}".`] : [];
    return {
      text: [`${clients.length} registered MCP client(s) on this page.`, ...lines, ...more].join('\n'),
      data: { clients, nextCursor: page.next ?? null },
    };
  },
});

export const revokeClientTool = defineTool({
  name: 'revoke_client',
  description:
    'Revokes a registered MCP client: deletes its registration and ends every session (grant) it holds, so its access and refresh tokens stop working. Administrators only.',
  args: { client_id: { type: 'string', description: 'The client_id of the MCP client to revoke (see list_clients).' } },
  requires: { scopes: [SCOPE_ADMIN], roles: [ADMIN_ROLE], permissions: ['clients.revoke'] },
  async run({ args, user, log }, deps) {
    const clientId = args.client_id;
    if (typeof clientId !== 'string' || clientId.trim() === '' || clientId.length > 2048) {
      throw new InvalidArgumentError('client_id must be the client id of a registered MCP client (see list_clients).');
    }
    // Registration first, so the client cannot start a new sign-in while its grants are being revoked.
    const deleted = await deps.clients.deleteClient(clientId);
    const grantsRevoked = await deps.grants.revokeClientGrants(clientId, `client revoked by administrator ${user.oid}`);
    if (!deleted && grantsRevoked === 0) throw new NotFoundError(`No registered MCP client or active session has the client id "${clientId.slice(0, 200)}".`);
    log(`client ${clientId} revoked by ${user.oid}: registration ${deleted ? 'deleted' : 'absent'}, ${grantsRevoked} grant(s) revoked`);
    audit('client.revoked', { clientId, actor: user.oid, count: grantsRevoked });
    const text =
      `Revoked MCP client ${clientId}: ${deleted ? 'its registration was deleted' : 'it had no stored registration (a client ID metadata document client can sign in again)'}, ` +
      `and ${grantsRevoked} session(s) were ended. Other gateway instances stop accepting its tokens within 30 seconds.`;
    return { text, data: { clientId, registrationDeleted: deleted, grantsRevoked } };
  },
});
