import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../src/local/defaults.js';
import { authorize, MemoryOAuthProvider, startGateway, type GatewayUnderTest } from './mcp-gateway-support.js';

let gateway: GatewayUnderTest;
beforeAll(async () => {
  gateway = await startGateway();
}, 60_000);
afterAll(async () => gateway?.close());

const adele = LOCAL_USERS[0];

interface WhoAmI {
  transport: string;
  user: { oid: string; tid: string; username: string; roles: string[]; scopes: string[] };
  token: { aud: string; oid: string; tid: string; iss: string; scp: string; iat: number; exp: number };
  sawAuthorization: boolean;
  sawFunctionsKey: boolean;
  refused?: string;
}

async function whoami(client: Client): Promise<WhoAmI> {
  const result = await client.callTool({ name: 'whoami_token', arguments: {} });
  const content = result.content as { type: string; text: string }[];
  expect(result.isError).toBeFalsy();
  return JSON.parse(content[0]!.text) as WhoAmI;
}

function expectEntraTokenForTheApi(seen: WhoAmI, transport: string): void {
  expect(seen.refused).toBeUndefined();
  expect(seen.transport).toBe(transport);
  expect(seen.user).toMatchObject({ oid: adele.oid, tid: gateway.stack.entra.tenantId, username: adele.username });
  expect(seen.token).toMatchObject({ aud: LOCAL_GATEWAY_APP.clientId, oid: adele.oid, tid: gateway.stack.entra.tenantId, iss: gateway.stack.entra.issuerV2 });
  expect(seen.token.scp).toContain(LOCAL_GATEWAY_APP.apiScope);
  expect(seen.token.exp * 1000).toBeGreaterThan(Date.now());
  // No token passthrough: the client's own bearer token never reaches the extension or the tool.
  expect(seen.sawAuthorization).toBe(false);
}

describe('mcp gateway: the Entra token reaches the tool', () => {
  test("streamable HTTP: the SDK client signs in, lists tools and the tool gets the user's Entra token", async () => {
    const provider = new MemoryOAuthProvider();
    const mcpUrl = `${gateway.baseUrl}/mcp`;
    await authorize(provider, mcpUrl);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }));
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('whoami_token');
      expectEntraTokenForTheApi(await whoami(client), 'http-streamable');
    } finally {
      await client.close();
    }
  });

  test('legacy SSE: the SDK client connects through the gateway and the tool gets the Entra token', async () => {
    const provider = new MemoryOAuthProvider();
    await authorize(provider, `${gateway.baseUrl}/mcp`);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new SSEClientTransport(new URL(`${gateway.baseUrl}/mcp/sse`), { authProvider: provider }));
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('whoami_token');
      expectEntraTokenForTheApi(await whoami(client), 'http-sse');
    } finally {
      await client.close();
    }
  });
});
