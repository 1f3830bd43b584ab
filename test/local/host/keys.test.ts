import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { LocalHost } from '../../../src/local/host/index.js';
import { keys, postMcp, startFixtureHost } from './helpers.js';

const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };

describe('local host: keys', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startFixtureHost({ keys });
  });
  afterAll(() => host.close());

  test('MCP endpoints answer 401 without the mcp_extension system key, or with a wrong or function key', async () => {
    expect((await postMcp(host.url, ping)).status).toBe(401);
    expect((await postMcp(host.url, ping, { 'x-functions-key': 'wrong' })).status).toBe(401);
    expect((await postMcp(host.url, ping, { 'x-functions-key': keys.functionKeys.default })).status).toBe(401);
    expect((await fetch(`${host.url}/runtime/webhooks/mcp/sse`)).status).toBe(401);
  });

  test('the system key (header or ?code=) or the master key passes', async () => {
    expect((await postMcp(host.url, ping, { 'x-functions-key': keys.systemKeys.mcp_extension })).status).toBe(200);
    expect((await postMcp(host.url, ping, { 'x-functions-key': keys.master })).status).toBe(200);
    const viaQuery = await fetch(`${host.url}/runtime/webhooks/mcp?code=${keys.systemKeys.mcp_extension}`, {
      method: 'POST',
      headers: { accept: 'application/json, text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify(ping),
    });
    expect(viaQuery.status).toBe(200);
  });

  test('an MCP SDK client with the system key lists tools', async () => {
    const client = new Client({ name: 'keyed', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${host.url}/runtime/webhooks/mcp`), {
        requestInit: { headers: { 'x-functions-key': keys.systemKeys.mcp_extension } },
      }),
    );
    try {
      expect((await client.listTools()).tools.length).toBe(3);
    } finally {
      await client.close();
    }
  });

  test('the SSE endpoint event carries the key the GET presented', async () => {
    const controller = new AbortController();
    const res = await fetch(`${host.url}/runtime/webhooks/mcp/sse?code=${keys.systemKeys.mcp_extension}`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    controller.abort();
    expect(new TextDecoder().decode(value)).toContain(`&code=${keys.systemKeys.mcp_extension}`);
  });

  test('function-level routes need a function or master key; admin-level only the master key', async () => {
    expect((await fetch(`${host.url}/fx/secret`)).status).toBe(401);
    expect((await fetch(`${host.url}/fx/secret`, { headers: { 'x-functions-key': 'wrong' } })).status).toBe(401);
    expect((await fetch(`${host.url}/fx/secret?code=${keys.functionKeys.default}`)).status).toBe(200);
    expect((await fetch(`${host.url}/fx/secret`, { headers: { 'x-functions-key': keys.master } })).status).toBe(200);
    expect((await fetch(`${host.url}/fx/admin-only`, { headers: { 'x-functions-key': keys.functionKeys.default } })).status).toBe(401);
    expect((await fetch(`${host.url}/fx/admin-only`, { headers: { 'x-functions-key': keys.master } })).status).toBe(200);
    expect((await fetch(`${host.url}/fx/items/1/x`)).status).toBe(201); // anonymous
  });
});
