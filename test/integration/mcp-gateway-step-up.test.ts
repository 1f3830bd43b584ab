// The MCP step-up end to end: a session authorized for `mcp:tools` only calls an admin tool and gets
// the gateway's 403 `insufficient_scope` challenge (not forwarded), then authorizes again with the
// challenge's scope and succeeds — or, without the admin role, is still refused by the tool. On the
// local stack (gateway fixture app on the local host, Entra emulator), with the official MCP SDK client.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { discoverAuthorizationServerMetadata, extractWWWAuthenticateParams, registerClient } from '@modelcontextprotocol/sdk/client/auth.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../src/local/defaults.js';
import { entraAccessToken } from '../mcp/entra-tokens.js';
import { authorize, MCP_POST_HEADERS, MemoryOAuthProvider, startGateway, type GatewayUnderTest } from './mcp-gateway-support.js';

const [ADELE, ADMIN] = LOCAL_USERS;
let gateway: GatewayUnderTest;
let mcpUrl: string;
beforeAll(async () => {
  gateway = await startGateway();
  mcpUrl = `${gateway.baseUrl}/mcp`;
}, 60_000);
afterAll(async () => gateway?.close());

const callTool = (name: string, id = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });

/**
 * A client registered the way the SDK registers on first connect — with the first challenge's scope,
 * `mcp:tools` only — and authorized least-privilege. Its step-up later asks for `mcp:admin`, which it
 * never registered: /authorize grants any supported scope the user consents to.
 */
async function narrowSession(username: string): Promise<MemoryOAuthProvider> {
  const provider = new MemoryOAuthProvider();
  const metadata = await discoverAuthorizationServerMetadata(gateway.baseUrl);
  provider.saveClientInformation(await registerClient(gateway.baseUrl, { metadata, clientMetadata: { ...provider.clientMetadata, scope: 'mcp:tools' } }));
  const tokens = await authorize(provider, mcpUrl, username, 'mcp:tools');
  expect(tokens.scope).toBe('mcp:tools');
  return provider;
}

/** What the SDK client saw of each failed response: the challenge and the body. */
interface Refusal {
  status: number;
  challenge: string | null;
  body: string;
}
/** Records the failed POSTs (the SDK's GET for a standalone stream gets the extension's 405). */
function recordingFetch(refusals: Refusal[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.status >= 400 && init?.method === 'POST')
      refusals.push({ status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.clone().text() });
    return response;
  };
}

function postRaw(url: string, token: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { ...MCP_POST_HEADERS, authorization: `Bearer ${token}` }, body });
}

const PRM = () => `${gateway.baseUrl}/.well-known/oauth-protected-resource/mcp`;

function expectStepUpChallenge(response: { status: number; challenge: string | null; body: string }, tools: string[]): void {
  expect(response.status).toBe(403);
  const description = `The ${tools.length === 1 ? 'tool' : 'tools'} ${tools.map((t) => `"${t}"`).join(', ')} need${tools.length === 1 ? 's' : ''} the scope "mcp:admin", which this session was not granted. Authorize again with scope "mcp:tools mcp:admin".`;
  expect(response.challenge).toBe(
    `Bearer resource_metadata="${PRM()}", scope="mcp:tools mcp:admin", error="insufficient_scope", error_description="${description.replace(/"/g, '\\"')}"`,
  );
  expect(JSON.parse(response.body)).toEqual({ error: 'insufficient_scope', error_description: description });
}

async function raw(response: Response) {
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: await response.text(),
    cacheControl: response.headers.get('cache-control'),
  };
}

describe('step-up: 403 insufficient_scope for a tool whose scope the session lacks', () => {
  let admin: MemoryOAuthProvider;
  beforeAll(async () => {
    admin = await narrowSession(ADMIN.username);
  }, 30_000);

  test('the raw response: 403 with the challenge and an OAuth body; the extension never answers (it cannot send 403)', async () => {
    const token = admin.tokens()!.access_token;
    const refused = await raw(await postRaw(mcpUrl, token, JSON.stringify(callTool('list_clients'))));
    expectStepUpChallenge(refused, ['list_clients']);
    expect(refused.cacheControl).toBe('no-store');
    // Every call of a batch is checked; a tool name in another letter case is the same tool.
    expectStepUpChallenge(await raw(await postRaw(mcpUrl, token, JSON.stringify([callTool('whoami', 1), callTool('revoke_client', 2)]))), ['revoke_client']);
    expectStepUpChallenge(await raw(await postRaw(mcpUrl, token, JSON.stringify(callTool('LIST_CLIENTS')))), ['list_clients']);
  });

  test('what the session may call, unknown tools and malformed bodies are forwarded', async () => {
    const token = admin.tokens()!.access_token;
    const whoami = await postRaw(mcpUrl, token, JSON.stringify(callTool('whoami_token')));
    expect(whoami.status).toBe(200);
    expect(await whoami.text()).toContain(ADMIN.oid);
    const unknown = await raw(await postRaw(mcpUrl, token, JSON.stringify(callTool('no_such_tool'))));
    expect(unknown.status).toBe(200);
    expect(unknown.body).toContain("Unknown tool: 'no_such_tool'");
    for (const body of ['{"method":"tools/call"', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 7 } })]) {
      // Whatever the extension makes of it (the local host answers 500): not the gateway's OAuth error.
      const response = await raw(await postRaw(mcpUrl, token, body));
      expect(response.status).not.toBe(403);
      expect(response.body).not.toMatch(/^\{"error":"/);
    }
  });

  test('a body over 1 MiB is forwarded unchecked (refusing it unread would reset the connection); the tool refuses', async () => {
    const token = admin.tokens()!.access_token;
    const huge = JSON.stringify({ ...callTool('list_clients'), params: { name: 'list_clients', arguments: { pad: 'x'.repeat(1024 * 1024) } } });
    const response = await raw(await postRaw(mcpUrl, token, huge));
    expect(response.status).toBe(200);
    expect(response.body).toContain('"missingScopes":["mcp:admin"]');
    expect(response.body).not.toContain('"clients"');
  });

  test('a direct Entra token is worth mcp:tools only: an admin tool gets the challenge naming mcp:admin', async () => {
    const token = await entraAccessToken(gateway.stack.entra, `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`, ADMIN.username);
    expectStepUpChallenge(await raw(await postRaw(mcpUrl, token, JSON.stringify(callTool('list_clients')))), ['list_clients']);
    expect((await postRaw(mcpUrl, token, JSON.stringify(callTool('whoami_token')))).status).toBe(200);
  });
});

describe('step-up with the MCP SDK client (streamable HTTP)', () => {
  /**
   * SDK 1.32: on a 403 `insufficient_scope` the transport calls `auth()` with the challenge's scope
   * itself — but `auth()` refreshes when it holds a refresh token, and a refresh cannot widen a
   * grant's scope, so the retry meets the same challenge and the transport gives up. The client
   * application completes the step-up: drop the tokens, authorize with the challenge's scope, retry.
   */
  async function stepUp(username: string) {
    const provider = await narrowSession(username);
    const refusals: Refusal[] = [];
    const client = new Client({ name: 'step-up-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recordingFetch(refusals) }));
    expect((await client.callTool({ name: 'whoami_token', arguments: {} })).isError).toBeFalsy();
    const before = provider.tokens()!;

    const error = await client.callTool({ name: 'list_clients', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(403);
    expect((error as Error).message).toContain('Server returned 403 after trying upscoping');
    // Two identical challenges around the SDK's own attempt, which refreshed: a new token, same scope.
    expect(refusals).toHaveLength(2);
    for (const refusal of refusals) expectStepUpChallenge(refusal, ['list_clients']);
    expect(provider.tokens()!.access_token).not.toBe(before.access_token);
    expect(provider.tokens()!.scope).toBe('mcp:tools');

    const { scope } = extractWWWAuthenticateParams(new Response(null, { headers: { 'www-authenticate': refusals[0]!.challenge! } }));
    expect(scope).toBe('mcp:tools mcp:admin');
    provider.forgetTokens();
    expect((await authorize(provider, mcpUrl, username, scope)).scope).toBe('mcp:tools mcp:admin');
    // The same client and connection: the transport reads the provider's new token on the next request.
    const result = await client.callTool({ name: 'list_clients', arguments: {} });
    return { provider, client, result, refusals };
  }

  test('admin@contoso.test: after the step-up, list_clients succeeds', async () => {
    const { provider, client, result, refusals } = await stepUp(ADMIN.username);
    try {
      expect(result.isError).toBeFalsy();
      const clients = (result.structuredContent as { clients: { clientId: string }[] }).clients;
      expect(clients.map((c) => c.clientId)).toContain(provider.clientInformation()!.client_id);
      expect(refusals).toHaveLength(2);
    } finally {
      await client.close();
    }
  }, 30_000);

  test('adele@contoso.test (no MCP.Admin): no step-up, since a new sign-in could not grant mcp:admin; the tool explains the missing role', async () => {
    const provider = await narrowSession(ADELE.username);
    const refusals: Refusal[] = [];
    const client = new Client({ name: 'step-up-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider, fetch: recordingFetch(refusals) }));
    try {
      const result = await client.callTool({ name: 'list_clients', arguments: {} });
      const structured = result.structuredContent as { error?: { code: string; missingRoles: string[]; missingScopes: string[] }; clients?: unknown };
      expect(structured.error).toMatchObject({ code: 'forbidden', missingRoles: ['MCP.Admin'] });
      expect(structured.clients).toBeUndefined();
      // The refusal is the tool's, as a result: the gateway forwarded the call.
      expect(refusals).toHaveLength(0);
    } finally {
      await client.close();
    }
  }, 30_000);
});

describe('every scope in the challenge; the grant holds what the user is entitled to', () => {
  test('the 401 names mcp:tools and mcp:admin; asking for both, adele gets mcp:tools and admin gets both', async () => {
    const challenge = (await fetch(mcpUrl, { method: 'POST', headers: MCP_POST_HEADERS, body: '{}' })).headers.get('www-authenticate');
    expect(extractWWWAuthenticateParams(new Response(null, { headers: { 'www-authenticate': challenge ?? '' } })).scope).toBe('mcp:tools mcp:admin');
    for (const [user, granted] of [
      [ADELE.username, 'mcp:tools'],
      [ADMIN.username, 'mcp:tools mcp:admin'],
    ] as const) {
      const provider = new MemoryOAuthProvider();
      expect((await authorize(provider, mcpUrl, user, 'mcp:tools mcp:admin')).scope).toBe(granted);
    }
  }, 30_000);
});

describe('step-up over legacy SSE', () => {
  test('the 403 is the POST /mcp/message response; the SDK SSE client does not step up by itself; after a step-up the client reconnects', async () => {
    const provider = await narrowSession(ADMIN.username);
    const refusals: Refusal[] = [];
    const transport = new SSEClientTransport(new URL(`${gateway.baseUrl}/mcp/sse`), { authProvider: provider, fetch: recordingFetch(refusals) });
    const client = new Client({ name: 'step-up-sse', version: '1.0.0' });
    await client.connect(transport);
    const before = provider.tokens()!.access_token;
    try {
      const error = await client.callTool({ name: 'list_clients', arguments: {} }).catch((e: unknown) => e);
      expect((error as Error).message).toContain('Error POSTing to endpoint (HTTP 403)');
      expect((error as Error).message).toContain('"error":"insufficient_scope"');
      expect(refusals).toHaveLength(1);
      expectStepUpChallenge(refusals[0]!, ['list_clients']);
      // SSEClientTransport handles 401 only: no auth() for a 403, the tokens are untouched.
      expect(provider.tokens()!.access_token).toBe(before);

      provider.forgetTokens();
      await authorize(provider, mcpUrl, ADMIN.username, 'mcp:tools mcp:admin');
      // The open SSE session is bound to the grant that opened it; the step-up made a new grant.
      await expect(client.callTool({ name: 'whoami_token', arguments: {} })).rejects.toThrow('HTTP 400');
    } finally {
      await client.close();
    }
    const again = new Client({ name: 'step-up-sse', version: '1.0.0' });
    await again.connect(new SSEClientTransport(new URL(`${gateway.baseUrl}/mcp/sse`), { authProvider: provider }));
    try {
      const result = await again.callTool({ name: 'list_clients', arguments: {} });
      expect((result.structuredContent as { clients: { clientId: string }[] }).clients.map((c) => c.clientId)).toContain(
        provider.clientInformation()!.client_id,
      );
    } finally {
      await again.close();
    }
  }, 30_000);
});
