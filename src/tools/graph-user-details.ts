import { graphScope, GraphRequestError } from '../entra/graph.js';
import { SCOPE_TOOLS } from '../oauth/scopes.js';
import { ADMIN_ROLE, USER_ROLE } from './roles.js';
import { defineTool } from './define.js';

const PERMISSION = 'User.Read';

/**
 * The signed-in user's Microsoft Graph profile (`GET /v1.0/me`), with a Graph token obtained on
 * behalf of the user (OBO) for the delegated `User.Read` permission of the configured cloud's Graph.
 */
export const graphUserDetailsTool = defineTool({
  name: 'get_graph_user_details',
  description:
    'Gets your own user profile from Microsoft Graph (/me: display name, user principal name, mail, job title, office and phone numbers), acting as you with the delegated User.Read permission.',
  requires: { scopes: [SCOPE_TOOLS], roles: [USER_ROLE, ADMIN_ROLE] },
  downstream: { api: 'Microsoft Graph', permission: PERMISSION },
  async run({ user }, deps) {
    const scope = graphScope(PERMISSION);
    const token = await deps.obo.acquire(user, user.assertion(), scope);
    let me: Record<string, unknown>;
    try {
      me = await deps.graph.get<Record<string, unknown>>('/v1.0/me', token.accessToken);
    } catch (err) {
      // Graph refused the token itself (revoked consent, disabled user): the next call must not reuse it.
      if (err instanceof GraphRequestError && err.status === 401) deps.obo.forget(user, scope);
      throw err;
    }
    const profile = Object.fromEntries(Object.entries(me).filter(([key]) => !key.startsWith('@odata.')));
    const label = (key: string) => (typeof profile[key] === 'string' ? (profile[key] as string) : undefined);
    const summary = `${label('displayName') ?? 'Your profile'}${label('userPrincipalName') ? ` <${label('userPrincipalName')}>` : ''} (from Microsoft Graph /me)`;
    return { text: `${summary}\n${JSON.stringify(profile, null, 2)}`, data: profile };
  },
});
