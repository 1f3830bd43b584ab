// The official MCP SDK client (the engine MCP Inspector and many clients use) against `npm start`'s
// local stack in its own process: discovery, dynamic registration, authorize, consent page, Entra
// sign-in form, callback, token; then initialize, tools/list and get_graph_user_details, over
// streamable HTTP and over legacy SSE.
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

type TransportFactory = (url: URL, provider: MemoryOAuthProvider) => Transport & { finishAuth(code: string): Promise<void> };

const transports: [string, (stack: StackProcess) => string, TransportFactory][] = [
  ['streamable HTTP', (s) => s.mcpUrl, (url, authProvider) => new StreamableHTTPClientTransport(url, { authProvider })],
  ['SSE', (s) => s.sseUrl, (url, authProvider) => new SSEClientTransport(url, { authProvider })],
];

describe('e2e: MCP SDK client through the whole OAuth flow against the local stack process', () => {
  let stack: StackProcess;
  beforeAll(async () => {
    stack = await startStackProcess();
  }, TIMEOUT);
  afterAll(async () => {
    await stack?.stop();
  });

  test.each(transports)(
    '%s: 401 → discovery → DCR → consent → Entra sign-in → token → initialize, tools/list, profile',
    async (_name, urlOf, make) => {
      const serverUrl = new URL(urlOf(stack));
      // A loopback redirect as desktop clients register; the browser flow stops at it and hands back the code.
      const provider = new MemoryOAuthProvider('http://localhost:47613/callback', {
        ...clientMetadata('http://localhost:47613/callback'),
        client_name: 'E2E SDK client',
      });

      const first = new Client({ name: 'e2e-sdk', version: '1.0.0' });
      await expect(first.connect(make(serverUrl, provider))).rejects.toBeInstanceOf(UnauthorizedError);
      expect(provider.information?.client_id).toBeTruthy(); // registered by DCR
      const authorizationUrl = provider.authorizationUrl;
      expect(authorizationUrl?.origin).toBe(stack.baseUrl);
      expect(authorizationUrl?.searchParams.get('resource')).toBe(stack.mcpUrl);

      const flow = await authorizeInBrowser(authorizationUrl!.href);
      expect(flow.consentHtml).toContain('E2E SDK client');
      expect(flow.redirect.searchParams.get('state')).toBe(provider.stateValue);
      expect(flow.redirect.searchParams.get('iss')).toBe(stack.baseUrl);
      const code = flow.redirect.searchParams.get('code');
      expect(code).toBeTruthy();

      const transport = make(serverUrl, provider);
      await transport.finishAuth(code!);
      expect(provider.saved?.access_token).toBeTruthy();

      const client = new Client({ name: 'e2e-sdk', version: '1.0.0' });
      await client.connect(transport);
      try {
        expect(client.getServerVersion()?.name).toBeTruthy(); // initialize answered
        const { tools, text, isError } = await listAndCallProfile(client);
        expect(tools).toContain(PROFILE_TOOL);
        expect(isError).toBe(false);
        expect(text).toContain('Adele Vance');
        expect(text).toContain('adele@contoso.test');
      } finally {
        await client.close();
      }
    },
    TIMEOUT,
  );
});
