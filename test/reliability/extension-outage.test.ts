// Its own file: the in-process local host loads the app once per process, with this stack's settings.
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { freePort } from '../support/stack-process.js';
import { signInSplit } from './instances-support.js';

const ONE = { register: 1, authorize: 1, consent: 1, callback: 1, token: 1 };
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('the MCP extension unreachable', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    // Nothing listens there: what the gateway sees when the extension (or its host) is down.
    stack = await startLocalStack({
      gatewayPort: 0,
      emulatorPorts: 'any',
      log: () => {},
      env: { MCP_EXTENSION_URL: `http://127.0.0.1:${await freePort()}/runtime/webhooks/mcp` },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  test('POST /mcp and GET /mcp/sse answer 502 with a readable body', async () => {
    const { accessToken } = await signInSplit(stack, ONE);
    const authorization = `Bearer ${accessToken}`;
    const post = await fetch(stack.urls.mcp, {
      method: 'POST',
      headers: { ...MCP_HEADERS, authorization },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(post.status).toBe(502);
    expect(await post.json()).toMatchObject({ error_description: 'The MCP server is not reachable right now; try again shortly.' });
    const sse = await fetch(stack.urls.mcpSse, { headers: { accept: 'text/event-stream', authorization } });
    expect(sse.status).toBe(502);
    expect(await sse.text()).toContain('not reachable right now');
  });
});
