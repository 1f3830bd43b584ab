import { LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../src/local/defaults.js';
import { call, connectAs, errorCode, startToolStack, TOKEN_PATTERN, type SignedInClient, type ToolResult, type ToolStack } from './tools-support.js';

const [ADELE, ADMIN] = LOCAL_USERS;
const OBO_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('MCP tools through the gateway (secretless gateway credential)', () => {
  let ts: ToolStack;
  let adele: SignedInClient;
  let admin: SignedInClient;
  const seen: ToolResult[] = [];
  const tool = async (who: SignedInClient, name: string, args: Record<string, unknown> = {}) => {
    const result = await call(who.client, name, args);
    seen.push(result);
    return result;
  };

  beforeAll(async () => {
    ts = await startToolStack('managed_identity');
    adele = await connectAs(ts.stack, ADELE.username);
    admin = await connectAs(ts.stack, ADMIN.username);
  }, 60_000);
  afterAll(async () => {
    await adele?.close().catch(() => undefined);
    await admin?.close();
    await ts?.close();
  });

  test('tools/list shows the tools, their arguments and what each requires', async () => {
    const { tools } = await adele.client.listTools();
    // Contains, not equals: adding a tool must not break this test.
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['whoami', 'get_graph_user_details', 'list_clients', 'revoke_client']));
    const revoke = tools.find((t) => t.name === 'revoke_client')!;
    expect(revoke.inputSchema).toMatchObject({ properties: { client_id: { type: 'string' } }, required: ['client_id'] });
    expect(revoke._meta).toEqual({ 'gateway/requires': { scopes: ['mcp:admin'], roles: ['MCP.Admin'], permissions: ['clients.revoke'] } });
  });

  test('whoami shows the user, tenant, roles, groups and the MCP client of the session', async () => {
    const me = await tool(adele, 'whoami');
    expect(me.structured).toMatchObject({
      oid: ADELE.oid,
      tid: ts.stack.entra.tenantId,
      username: ADELE.username,
      name: ADELE.name,
      roles: ['MCP.User'],
      groups: [...ADELE.groups],
      permissions: [],
      clientId: adele.clientId,
    });
    // Asked for both; adele (no MCP.Admin) is granted what she can use.
    expect(me.structured.scopes).toEqual(['mcp:tools']);
    expect(me.text).toContain(`Signed in as ${ADELE.name} <${ADELE.username}>`);
    const boss = await tool(admin, 'whoami');
    expect(boss.structured).toMatchObject({ oid: ADMIN.oid, roles: ['MCP.User', 'MCP.Admin'], groups: [...ADMIN.groups], clientId: admin.clientId });
  });

  test('whoami over the legacy SSE transport resolves the same user', async () => {
    const sse = await connectAs(ts.stack, ADELE.username, 'sse');
    try {
      expect((await tool(sse, 'whoami')).structured).toMatchObject({ oid: ADELE.oid, roles: ['MCP.User'], clientId: sse.clientId });
    } finally {
      await sse.close();
    }
  });

  test('without admin consent for Graph User.Read, the OBO fails with AADSTS65001 and the tool says what to grant and where', async () => {
    const app = ts.stack.entra.directory.apps.find((a) => a.appId === LOCAL_GATEWAY_APP.clientId)!;
    const consented = app.consentedPermissions;
    app.consentedPermissions = [];
    const graphBefore = ts.stack.graph.counters.requests;
    try {
      const refused = await tool(adele, 'get_graph_user_details');
      expect(errorCode(refused)).toBe('consent_required');
      for (const part of ['AADSTS65001', 'User.Read', 'Microsoft Graph', 'API permissions', 'Grant admin consent', LOCAL_GATEWAY_APP.clientId]) {
        expect(refused.text).toContain(part);
      }
      expect(ts.stack.graph.counters.requests).toBe(graphBefore);
    } finally {
      app.consentedPermissions = consented;
    }
    expect((await tool(adele, 'get_graph_user_details')).structured).toMatchObject({ displayName: ADELE.name });
  });

  test('get_graph_user_details returns the profile through OBO with the federated credential; a second call makes no new OBO request', async () => {
    const entra = ts.stack.entra;
    const oboBefore = entra.counters.oboRequests;
    const graphBefore = ts.stack.graph.counters.byUser[ADMIN.oid] ?? 0;
    const first = await tool(admin, 'get_graph_user_details');
    expect(errorCode(first)).toBeUndefined();
    expect(first.structured).toMatchObject({ id: ADMIN.oid, displayName: ADMIN.name, userPrincipalName: ADMIN.username });
    expect(first.text).toContain(`${ADMIN.name} <${ADMIN.username}>`);
    expect(entra.counters.oboRequests).toBe(oboBefore + 1);

    const second = await tool(admin, 'get_graph_user_details');
    expect(second.structured).toMatchObject({ id: ADMIN.oid });
    expect(entra.counters.oboRequests).toBe(oboBefore + 1);
    expect(ts.stack.graph.counters.byUser[ADMIN.oid]).toBe(graphBefore + 2);

    const obo = ts.tokenRequests.filter((r) => r.grantType === OBO_GRANT);
    expect(obo.length).toBeGreaterThanOrEqual(1);
    expect(obo.every((r) => r.clientAuth === 'client_assertion')).toBe(true);
    expect(entra.counters.managedIdentityTokens).toBeGreaterThanOrEqual(1);
  });

  describe("Graph failures become tool results with Graph's error code", () => {
    afterEach(() => ts.stack.graph.clearFaults());

    test('403 Authorization_RequestDenied', async () => {
      ts.stack.graph.failNext({ status: 403, user: ADMIN.oid, path: '/v1.0/me' });
      const result = await tool(admin, 'get_graph_user_details');
      expect(errorCode(result)).toBe('graph_error');
      expect(result.structured.error).toMatchObject({ status: 403, graphCode: 'Authorization_RequestDenied' });
      expect(result.text).toContain('HTTP 403, Authorization_RequestDenied');
    });

    test('429 with a short Retry-After is retried once and succeeds', async () => {
      const before = ts.stack.graph.counters.byPath['/v1.0/me'] ?? 0;
      ts.stack.graph.failNext({ status: 429, user: ADMIN.oid, retryAfterSeconds: 0 });
      const result = await tool(admin, 'get_graph_user_details');
      expect(result.structured).toMatchObject({ id: ADMIN.oid });
      expect(ts.stack.graph.counters.byPath['/v1.0/me']).toBe(before + 2);
    });

    test('429 with a long Retry-After tells the user when to retry', async () => {
      ts.stack.graph.failNext({ status: 429, user: ADMIN.oid, retryAfterSeconds: 120 });
      const result = await tool(admin, 'get_graph_user_details');
      expect(result.structured.error).toMatchObject({ code: 'graph_error', status: 429, graphCode: 'TooManyRequests', retryAfterSeconds: 120 });
      expect(result.text).toContain('Try again in 120 seconds');
    });

    test('503 twice: one retry, then serviceNotAvailable', async () => {
      ts.stack.graph.failNext({ status: 503, count: 2, user: ADMIN.oid, retryAfterSeconds: 0 });
      const result = await tool(admin, 'get_graph_user_details');
      expect(result.structured.error).toMatchObject({ status: 503, graphCode: 'serviceNotAvailable' });
      expect(result.text).toContain('Microsoft Graph is unavailable (HTTP 503, serviceNotAvailable)');
    });
  });

  test('list_clients works for the MCP.Admin user and is refused, with the reason, for an ordinary user', async () => {
    const listed = await tool(admin, 'list_clients');
    const ids = (listed.structured.clients as { clientId: string }[]).map((c) => c.clientId);
    expect(ids).toEqual(expect.arrayContaining([adele.clientId, admin.clientId]));
    expect(JSON.stringify(listed.structured)).not.toMatch(/secret/i);

    const refused = await tool(adele, 'list_clients');
    expect(errorCode(refused)).toBe('forbidden');
    expect(refused.structured.error).toMatchObject({ missingRoles: ['MCP.Admin'], missingPermissions: ['clients.read'] });
    expect(refused.text).toContain('the app role "MCP.Admin"');
    expect(refused.text).toContain('Users and groups');
    expect(refused.structured.clients).toBeUndefined();
  });

  test('revoke_client: refused for an ordinary user (nothing happens); the admin revokes a client and its session ends', async () => {
    const refused = await tool(adele, 'revoke_client', { client_id: admin.clientId });
    expect(errorCode(refused)).toBe('forbidden');
    expect((await tool(admin, 'whoami')).structured).toMatchObject({ clientId: admin.clientId });

    const revoked = await tool(admin, 'revoke_client', { client_id: adele.clientId });
    expect(revoked.structured).toMatchObject({ clientId: adele.clientId, registrationDeleted: true });
    expect(revoked.structured.grantsRevoked).toBeGreaterThanOrEqual(1);
    await expect(adele.client.callTool({ name: 'whoami', arguments: {} })).rejects.toThrow();
    const ids = ((await tool(admin, 'list_clients')).structured.clients as { clientId: string }[]).map((c) => c.clientId);
    expect(ids).not.toContain(adele.clientId);
    expect(ids).toContain(admin.clientId);

    const unknown = await tool(admin, 'revoke_client', { client_id: 'no-such-client' });
    expect(errorCode(unknown)).toBe('not_found');
  });

  test('no token appears in any tool result or log line', () => {
    expect(seen.length).toBeGreaterThan(10);
    for (const result of seen) expect(`${result.text} ${JSON.stringify(result.structured)}`).not.toMatch(TOKEN_PATTERN);
    expect(ts.logs.join('\n')).not.toMatch(TOKEN_PATTERN);
    expect(ts.logs.join('\n')).toContain('revoke_client: client');
  });
});
