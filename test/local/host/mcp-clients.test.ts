import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { LocalHost } from '../../../src/local/host/index.js';
import { startFixtureHost } from './helpers.js';

interface EchoedContext {
  toolInput: {
    name: string;
    arguments?: Record<string, unknown>;
    sessionid?: string;
    clientinfo?: { name: string; version: string };
    transport: { name: string; sessionId?: string; properties: { headers: Record<string, string> } };
  };
  triggerMetadata: Record<string, unknown>;
}

function echoed(result: CallToolResult): EchoedContext {
  const [block] = result.content;
  if (block?.type !== 'text') throw new Error('expected a text block');
  return JSON.parse(block.text) as EchoedContext;
}

/** Header lookup that ignores case, as a tool should. */
function header(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

const withFetchHeader =
  (name: string, value: string): typeof fetch =>
  (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set(name, value);
    return fetch(input, { ...init, headers });
  };

describe('local host: MCP extension endpoints with the MCP SDK client', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startFixtureHost();
  });
  afterAll(() => host.close());

  describe('streamable HTTP', () => {
    let client: Client;
    beforeAll(async () => {
      client = new Client({ name: 'host-test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(`${host.url}/runtime/webhooks/mcp`), {
        requestInit: { headers: { 'X-Test-Header': 'streamable-value' } },
      });
      await client.connect(transport);
    });
    afterAll(() => client.close());

    test('initialize answers with host.json server info, instructions and the extension capabilities', () => {
      expect(client.getServerVersion()).toEqual({ name: 'Fixture MCP', version: '9.9.9' });
      expect(client.getInstructions()).toBe('Fixture instructions.');
      expect(client.getServerCapabilities()).toEqual({ logging: {}, prompts: {}, resources: {}, tools: {} });
    });

    test('tools/list gives every tool in registration order with its input schema', async () => {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['echo_context', 'explode', 'needs_two']);
      expect(tools[0]).toEqual({
        name: 'echo_context',
        description: 'Echoes the invocation context the tool received.',
        inputSchema: {
          type: 'object',
          properties: {
            message: { type: 'string', description: 'Any text' },
            tags: { type: 'array', items: { type: 'string' }, description: 'Labels' },
          },
          required: ['message'],
        },
      });
      expect(tools[1]?.inputSchema).toEqual({ type: 'object', properties: {}, required: [] });
    });

    test('the tool receives the extension payload: transport name, headers of the POST, session id', async () => {
      const result = (await client.callTool({ name: 'Echo_Context', arguments: { message: 'hi', count: 3 } })) as CallToolResult;
      const { toolInput, triggerMetadata } = echoed(result);
      expect(toolInput.name).toBe('Echo_Context');
      expect(toolInput.arguments).toEqual({ message: 'hi', count: 3 });
      expect(toolInput.transport.name).toBe('http-streamable');
      expect(header(toolInput.transport.properties.headers, 'x-test-header')).toBe('streamable-value');
      expect(toolInput.sessionid).toMatch(/^[a-z0-9]{16}\|[a-z0-9]{16}$/);
      expect(toolInput.transport.sessionId).toBe(toolInput.sessionid);
      expect(toolInput.clientinfo).toBeUndefined(); // a new server per POST has seen no initialize
      // The library camel-cases trigger metadata; arguments arrive as text.
      expect(triggerMetadata.mcptoolargs).toEqual({ message: 'hi', count: '3' });
      expect(triggerMetadata.mcpsessionid).toBe(toolInput.sessionid);
    });

    test('a throwing tool gives the generic isError result, never its message', async () => {
      const result = await client.callTool({ name: 'explode', arguments: {} });
      expect(result).toEqual({ content: [{ type: 'text', text: "An error occurred invoking 'explode'." }], isError: true });
    });

    test('an unknown tool and missing required arguments are JSON-RPC -32602 errors', async () => {
      await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining("Unknown tool: 'nope'"),
      });
      await expect(client.callTool({ name: 'needs_two', arguments: { a: 'x', b: null } })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining('One or more required tool properties are missing values. Please provide: b'),
      });
      await expect(client.callTool({ name: 'needs_two', arguments: {} })).rejects.toMatchObject({
        message: expect.stringContaining('Please provide: a, b'),
      });
    });

    test('ping answers', async () => {
      await expect(client.ping()).resolves.toEqual({});
    });
  });

  describe('legacy SSE', () => {
    let client: Client;
    beforeAll(async () => {
      client = new Client({ name: 'sse-test-client', version: '2.0.0' });
      const transport = new SSEClientTransport(new URL(`${host.url}/runtime/webhooks/mcp/sse`), {
        requestInit: { headers: { 'X-Both': 'both' } },
        eventSourceInit: { fetch: withFetchHeader('X-Get-Only', 'from-get') },
        fetch: withFetchHeader('X-Post-Only', 'from-post'),
      });
      await client.connect(transport);
    });
    afterAll(() => client.close());

    test('the tool sees the headers of the GET /sse request and the client info from initialize', async () => {
      const result = (await client.callTool({ name: 'echo_context', arguments: { message: 'over sse' } })) as CallToolResult;
      const { toolInput } = echoed(result);
      expect(toolInput.transport.name).toBe('http-sse');
      const headers = toolInput.transport.properties.headers;
      expect(header(headers, 'x-get-only')).toBe('from-get');
      expect(header(headers, 'x-both')).toBe('both');
      expect(header(headers, 'x-post-only')).toBeUndefined();
      expect(toolInput.clientinfo).toEqual({ name: 'sse-test-client', version: '2.0.0' });
      expect(toolInput.sessionid).toBeUndefined();
    });

    test('lists tools and reports a throwing tool generically', async () => {
      expect((await client.listTools()).tools).toHaveLength(3);
      expect(await client.callTool({ name: 'explode', arguments: {} })).toMatchObject({ isError: true });
    });
  });
});
