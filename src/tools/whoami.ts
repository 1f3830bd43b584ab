import { SCOPE_TOOLS } from '../oauth/scopes.js';
import { defineTool } from './define.js';

/** The identity the gateway resolved for this session, from the validated Entra token. No Graph call. */
export const whoamiTool = defineTool({
  name: 'whoami',
  description:
    'Shows who you are signed in as through this MCP gateway: your Entra ID user and tenant, your app roles, groups and the tool permissions they grant, and the MCP client and scopes of this session.',
  requires: { scopes: [SCOPE_TOOLS] },
  async run({ user }) {
    const data = {
      oid: user.oid,
      tid: user.tid,
      name: user.name ?? null,
      username: user.username ?? null,
      roles: user.roles,
      groups: user.groups,
      permissions: user.permissions,
      clientId: user.clientId,
      scopes: user.scopes,
    };
    const list = (items: string[]) => (items.length > 0 ? items.join(', ') : '(none)');
    const text = [
      `Signed in as ${user.name ?? user.username ?? user.oid}${user.username ? ` <${user.username}>` : ''}.`,
      `User (oid): ${user.oid}; tenant: ${user.tid}.`,
      `App roles: ${list(user.roles)}.`,
      `Groups: ${list(user.groups)}.`,
      `Tool permissions from groups: ${list(user.permissions)}.`,
      `MCP client: ${user.clientId}; session scopes: ${list(user.scopes)}.`,
    ].join('\n');
    return { text, data };
  },
});
