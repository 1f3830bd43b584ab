// Support for the MCP tool integration tests: the whole local stack (the real app, with its tools,
// on the local Functions host), MCP SDK clients signed in through the real OAuth flow (the gateway
// tests' `authorize` helper), and a record of which client credential the gateway used at Entra.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startLocalStack, type LocalCredential, type LocalStack } from '../../src/local/stack.js';
import { authorize, MemoryOAuthProvider } from './mcp-gateway-support.js';
import type { TokenRequestRecord } from '../../src/local/entra/state.js';

/** One POST to the Entra emulator's token endpoint: grant type and how the client authenticated (names only). */

export interface ToolStack {
  stack: LocalStack;
  /** Every line the host and the functions logged. */
  logs: string[];
  readonly tokenRequests: readonly TokenRequestRecord[];
  close(): Promise<void>;
}

/**
 * Starts the local stack with the given gateway credential. `tokenRequests` is the Entra emulator's own
 * record of each token request's grant type and client authentication method (never values).
 */
export async function startToolStack(credential: LocalCredential): Promise<ToolStack> {
  const logs: string[] = [];
  const stack = await startLocalStack({ gatewayPort: 0, credential, log: (level, message) => logs.push(`${level}: ${message}`) });
  return {
    stack,
    logs,
    get tokenRequests() {
      return stack.entra.counters.tokenRequestLog;
    },
    close: () => stack.close(),
  };
}

export interface SignedInClient {
  client: Client;
  /** The gateway `client_id` this MCP client registered (DCR). */
  clientId: string;
  provider: MemoryOAuthProvider;
  close(): Promise<void>;
}

/** An MCP SDK client that registered, signed in as `username` and connected over streamable HTTP (or SSE). */
export async function connectAs(stack: LocalStack, username: string, transport: 'streamable' | 'sse' = 'streamable'): Promise<SignedInClient> {
  const provider = new MemoryOAuthProvider();
  await authorize(provider, stack.urls.mcp, username);
  const client = new Client({ name: 'tools-test', version: '1.0.0' });
  await client.connect(
    transport === 'sse'
      ? new SSEClientTransport(new URL(stack.urls.mcpSse), { authProvider: provider })
      : new StreamableHTTPClientTransport(new URL(stack.urls.mcp), { authProvider: provider }),
  );
  const info = provider.clientInformation();
  if (!info) throw new Error('the client did not register');
  return { client, clientId: info.client_id, provider, close: () => client.close() };
}

export interface ToolResult {
  text: string;
  structured: Record<string, unknown>;
  isError: boolean;
}

/** Calls a tool and returns its text, structured content and error flag. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text?: string }[];
  return {
    text: content.map((c) => c.text ?? '').join('\n'),
    structured: (result.structuredContent ?? {}) as Record<string, unknown>,
    isError: result.isError === true,
  };
}

/** The error code of a refused or failed tool call (in structured content, see src/tools/tool.ts). */
export function errorCode(result: ToolResult): string | undefined {
  return (result.structured.error as { code?: string } | undefined)?.code;
}

/** A compact JWS or JWE anywhere in a text: what a leaked token would look like. */
export const TOKEN_PATTERN = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;
