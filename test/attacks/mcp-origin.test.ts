// Attack: a web page on another origin (or a DNS-rebinding page) driving the MCP endpoints from a
// victim's browser. The MCP transport spec: a present Origin that is not allowed gets 403.
import { authorize, CALL_WHOAMI, MCP_POST_HEADERS, MemoryOAuthProvider, startGateway, type GatewayUnderTest } from '../integration/mcp-gateway-support.js';

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'origin-test', version: '1.0.0' } },
});

describe('attack: MCP requests from a foreign Origin', () => {
  let gateway: GatewayUnderTest;
  let token: string;
  beforeAll(async () => {
    gateway = await startGateway();
    token = (await authorize(new MemoryOAuthProvider(), `${gateway.baseUrl}/mcp`)).access_token;
  }, 60_000);
  afterAll(() => gateway?.close());

  async function call(path: string, method: string, origin: string | undefined, body?: string) {
    const headers: Record<string, string> = { ...MCP_POST_HEADERS, authorization: `Bearer ${token}` };
    if (origin !== undefined) headers.origin = origin;
    const response = await fetch(`${gateway.baseUrl}${path}`, { method, headers, body });
    const text = response.headers.get('content-type')?.includes('event-stream') ? '' : await response.text();
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, text };
  }

  test.each([
    ['/mcp', 'POST', INITIALIZE],
    ['/mcp/sse', 'GET', undefined],
    ['/mcp/message?session=x', 'POST', CALL_WHOAMI],
  ])('%s (%s) with a valid token but Origin https://evil.example is refused with 403', async (path, method, body) => {
    const { status, text } = await call(path, method, 'https://evil.example', body);
    expect(status).toBe(403);
    expect(JSON.parse(text)).toMatchObject({ error: 'access_denied', error_description: expect.stringMatching(/Origin/) });
  });

  test('Origin: null (a sandboxed frame) is refused too', async () => {
    expect((await call('/mcp', 'POST', 'null', INITIALIZE)).status).toBe(403);
  });

  test("no Origin (a non-browser client), the gateway's own origin and a configured origin are served", async () => {
    expect((await call('/mcp', 'POST', undefined, INITIALIZE)).status).toBe(200);
    expect((await call('/mcp', 'POST', new URL(gateway.baseUrl).origin, INITIALIZE)).status).toBe(200);
    // The local stack allows MCP Inspector's UI origin (MCP_ALLOWED_ORIGINS).
    expect((await call('/mcp', 'POST', 'http://localhost:6274', INITIALIZE)).status).toBe(200);
  });
});
