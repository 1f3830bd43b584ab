import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startLocalHost } from '../src/local/host/index.js';
import { startLocalStack, type LocalStack } from '../src/local/stack.js';
import { SESSION_HEADER } from '../src/mcp/session-header.js';
// The real OAuth flow (discovery, DCR, Entra emulator sign-in, consent, PKCE code exchange) with the
// MCP SDK's `auth()`: the integration tests' helper, compiled to dist/test (no jest in it).
import { authorize, MemoryOAuthProvider } from '../test/integration/mcp-gateway-support.js';
import { countCosmosRequests, type CosmosCounter } from './cosmos-counter.js';

/** The local stack with one signed-in user, and what a caller needs to reach both paths. */
export interface BenchStack {
  stack: LocalStack;
  /** The gateway's access token for adele (never printed). */
  accessToken: string;
  /** `…/runtime/webhooks/mcp` and its system key: the baseline path. */
  extensionUrl: string;
  extensionKey: string;
  /**
   * `…/floor`: the floor app (`floor-app.ts`) on a second local host in this process, forwarding to the
   * same extension: `/floor/mcp`, `/floor/sse`, `/floor/message`. Ready once `sessionHeader()` resolved.
   */
  floorUrl: string;
  cosmos: CosmosCounter;
  /**
   * The `x-mcp-gateway-session` header the gateway sent for this user, captured once so the direct
   * calls make the tool do exactly the work it does behind the gateway (resolve the same user).
   */
  sessionHeader(): Promise<string>;
  close(): Promise<void>;
}

export const MCP_POST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;

export function toolCallBody(id: number, name = 'whoami'): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
}

export async function startBenchStack(): Promise<BenchStack> {
  const stack = await startLocalStack({ gatewayPort: 0, log: () => {} });
  const cosmos = countCosmosRequests(stack.cosmos.endpoint);
  let floorHost: Awaited<ReturnType<typeof startLocalHost>> | undefined;
  try {
    // After the gateway app: the floor app relies on the HTTP streaming the gateway app switched on.
    floorHost = await startLocalHost({ appEntry: fileURLToPath(new URL('./floor-app.js', import.meta.url)), port: 0, log: () => {} });
    const { floorTarget } = await import('./floor-app.js');
    const tokens = await authorize(new MemoryOAuthProvider(), stack.urls.mcp, 'adele@contoso.test');
    const extensionUrl = stack.env.MCP_EXTENSION_URL!;
    let captured: string | undefined;
    return {
      stack,
      accessToken: tokens.access_token,
      extensionUrl,
      extensionKey: stack.env.MCP_EXTENSION_KEY!,
      floorUrl: `${floorHost.url}/floor`,
      cosmos,
      async sessionHeader() {
        captured ??= await captureSessionHeader(stack.urls.mcp, extensionUrl, tokens.access_token);
        floorTarget.extensionUrl = extensionUrl;
        floorTarget.headers = { 'x-functions-key': stack.env.MCP_EXTENSION_KEY!, [SESSION_HEADER]: captured };
        return captured;
      },
      close: async () => {
        cosmos.close();
        await floorHost?.close();
        await stack.close();
      },
    };
  } catch (error) {
    cosmos.close();
    await floorHost?.close();
    await stack.close();
    throw error;
  }
}

/** One gateway call, with the forwarded request's session header read off Node's HTTP client diagnostics channel. */
async function captureSessionHeader(mcpUrl: string, extensionUrl: string, accessToken: string): Promise<string> {
  const extensionPath = new URL(extensionUrl).pathname;
  let seen: string | undefined;
  const onRequest = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (request.path.startsWith(extensionPath)) seen = String(request.getHeader(SESSION_HEADER) ?? '') || undefined;
  };
  diagnostics.subscribe('http.client.request.start', onRequest);
  try {
    const response = await fetch(mcpUrl, {
      method: 'POST',
      headers: { ...MCP_POST_HEADERS, authorization: `Bearer ${accessToken}` },
      body: toolCallBody(0),
    });
    await response.text();
  } finally {
    diagnostics.unsubscribe('http.client.request.start', onRequest);
  }
  if (!seen) throw new Error('the gateway did not forward the call with a session header');
  return seen;
}
