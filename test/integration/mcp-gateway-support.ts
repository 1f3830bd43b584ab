// Support for the MCP gateway integration tests: the local stack's emulators plus a local Functions
// host running the gateway fixture app, and the SDK's `auth()` with the shared scripted browser
// (test/support/browser-flow) signing in at the Entra emulator and approving the consent page.
import { fileURLToPath } from 'node:url';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startLocalHost } from '../../src/local/host/index.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { authorizeInBrowser } from '../support/browser-flow.js';
import type { MemoryOAuthProvider } from '../support/oauth-provider.js';

export interface GatewayUnderTest {
  stack: LocalStack;
  baseUrl: string;
  close(): Promise<void>;
}

/** The emulators from the local stack, and the gateway fixture app on a local host with real keys. */
export async function startGateway(): Promise<GatewayUnderTest> {
  const stack = await startLocalStack({ emulatorsOnly: true, gatewayPort: 0 });
  const previous = new Map(Object.keys(stack.env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, stack.env);
  const restore = () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  try {
    const host = await startLocalHost({
      appEntry: fileURLToPath(new URL('../fixtures/gateway-app/index.js', import.meta.url)),
      port: Number(new URL(stack.urls.gateway).port),
      hostname: 'localhost',
      keys: { systemKeys: { mcp_extension: stack.env.MCP_EXTENSION_KEY! } },
      log: () => {},
    });
    return {
      stack,
      baseUrl: stack.urls.gateway,
      close: async () => {
        await host.close();
        await stack.close();
        restore();
      },
    };
  } catch (error) {
    await stack.close();
    restore();
    throw error;
  }
}

export { MemoryOAuthProvider } from '../support/oauth-provider.js';

/**
 * Runs the SDK's `auth()` end to end: discovery, DCR, browser sign-in and consent, code exchange.
 * `scope` is what a challenge would pass (without it the SDK asks for the PRM's `scopes_supported`).
 */
export async function authorize(provider: MemoryOAuthProvider, mcpUrl: string, username = 'adele@contoso.test', scope?: string): Promise<OAuthTokens> {
  const first = await auth(provider, { serverUrl: mcpUrl, scope });
  if (first === 'REDIRECT') {
    if (!provider.authorizationUrl) throw new Error('auth() asked for a redirect but gave no URL');
    const { redirect } = await authorizeInBrowser(provider.authorizationUrl.href, { username });
    const code = redirect.searchParams.get('code');
    if (!code) throw new Error(`authorization failed: ${redirect.searchParams.get('error')} ${redirect.searchParams.get('error_description')}`);
    const second = await auth(provider, { serverUrl: mcpUrl, authorizationCode: code, scope });
    if (second !== 'AUTHORIZED') throw new Error('the code exchange did not authorize');
  }
  const tokens = provider.tokens();
  if (!tokens) throw new Error('no tokens after auth()');
  return tokens;
}

/** A JSON-RPC `tools/call` of the fixture tool, as a client would POST it. */
export const CALL_WHOAMI = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami_token', arguments: {} } });

export const MCP_POST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;

/** RFC 7009 revocation as the client would send it (a public client names itself). */
export async function revoke(baseUrl: string, token: string, clientId: string): Promise<number> {
  const response = await fetch(`${baseUrl}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: clientId }),
  });
  await response.body?.cancel();
  return response.status;
}

/**
 * Opens `GET /mcp/sse` and reads events until the `endpoint` event. Returns its data and a reader
 * for the rest of the stream (cancel it when done).
 */
export async function openSse(url: string, token: string): Promise<{ endpoint: string; next(): Promise<string | undefined>; close(): Promise<void> }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
  if (response.status !== 200 || !response.body) throw new Error(`GET /mcp/sse answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<string | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return event;
      }
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffer += value;
    }
  };
  let event: string | undefined;
  while ((event = await next()) !== undefined && !event.includes('event: endpoint'));
  const data = /^data: (.*)$/m.exec(event ?? '')?.[1];
  if (!data) throw new Error('no endpoint event on the SSE stream');
  return { endpoint: data, next, close: () => reader.cancel().catch(() => undefined) };
}
