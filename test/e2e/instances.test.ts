// `npm start -- --instances 2`: two gateway instances behind the round-robin front on the public port,
// with the official MCP SDK client going through the whole OAuth flow and both transports unpinned, so
// consecutive requests land on alternating instances as behind Azure's front end.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { clientMetadata, MemoryOAuthProvider } from '../integration/auth-flow-client.js';
import { authorizeInBrowser } from '../support/browser-flow.js';
import { listAndCallProfile, PROFILE_TOOL } from '../support/mcp-session.js';
import { startStackProcess, type StackProcess } from '../support/stack-process.js';

const TIMEOUT = 90_000;
const START = fileURLToPath(new URL('../../src/local/start.js', import.meta.url));

type TransportFactory = (url: URL, provider: MemoryOAuthProvider) => Transport & { finishAuth(code: string): Promise<void> };

describe('e2e: npm start -- --instances 2', () => {
  let stack: StackProcess;
  beforeAll(async () => {
    stack = await startStackProcess({}, ['--instances', '2']);
  }, TIMEOUT);
  afterAll(async () => {
    await stack?.stop();
  });

  test('the banner says how many instances run and where', () => {
    expect(stack.output()).toContain(`Gateway instances: 2, behind a round-robin front on ${stack.baseUrl}`);
    expect(stack.output()).toMatch(/instance 1 +http:\/\/127\.0\.0\.1:\d+\n +instance 2 +http:\/\/127\.0\.0\.1:\d+/);
  });

  test.each<[string, (s: StackProcess) => string, TransportFactory]>([
    ['streamable HTTP', (s) => s.mcpUrl, (url, authProvider) => new StreamableHTTPClientTransport(url, { authProvider })],
    ['SSE', (s) => s.sseUrl, (url, authProvider) => new SSEClientTransport(url, { authProvider })],
  ])(
    '%s: the whole OAuth flow and tool calls through the front',
    async (_name, urlOf, make) => {
      const serverUrl = new URL(urlOf(stack));
      const provider = new MemoryOAuthProvider('http://localhost:47614/callback', clientMetadata('http://localhost:47614/callback'));
      await expect(new Client({ name: 'e2e-instances', version: '1.0.0' }).connect(make(serverUrl, provider))).rejects.toBeInstanceOf(UnauthorizedError);
      const flow = await authorizeInBrowser(provider.authorizationUrl!.href);
      const transport = make(serverUrl, provider);
      await transport.finishAuth(flow.redirect.searchParams.get('code')!);
      const client = new Client({ name: 'e2e-instances', version: '1.0.0' });
      await client.connect(transport);
      try {
        for (let i = 0; i < 2; i++) {
          const { tools, text, isError } = await listAndCallProfile(client);
          expect(tools).toContain(PROFILE_TOOL);
          expect(isError).toBe(false);
          expect(text).toContain('adele@contoso.test');
        }
      } finally {
        await client.close();
      }
    },
    TIMEOUT,
  );

  test('an invalid --instances stops with a message that says what to pass', () => {
    const result = spawnSync(process.execPath, [START, '--instances', '0'], { encoding: 'utf8', env: { ...process.env, PORT: '0' }, timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--instances must be a whole number from 1 to 16, got "0"');
  });
});
