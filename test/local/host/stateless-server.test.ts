import type { LocalHost } from '../../../src/local/host/index.js';
import { postMcp, sseEvents, startFixtureHost } from './helpers.js';

/** The `echo_context` tool's view of one streamable POST, read from its single response event. */
async function echo(host: LocalHost, id: number | string, message: string, headers: Record<string, string> = {}) {
  const res = await postMcp(host.url, { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo_context', arguments: { message } } }, headers);
  expect(res.status).toBe(200);
  const events = [];
  for await (const e of sseEvents(res.body!)) events.push(e);
  expect(events.map((e) => e.event)).toEqual(['message']);
  const reply = JSON.parse(events[0]!.data) as { id: unknown; result: { content: { text: string }[] } };
  const seen = JSON.parse(reply.result.content[0]!.text) as {
    toolInput: { arguments: { message: string }; clientinfo?: unknown; transport: { properties: { headers: Record<string, string> } } };
  };
  return {
    id: reply.id,
    message: seen.toolInput.arguments.message,
    tag: seen.toolInput.transport.properties.headers['x-caller'],
    clientinfo: seen.toolInput.clientinfo,
  };
}

describe('local host: one MCP server per host for every streamable POST', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startFixtureHost();
  });
  afterAll(() => host.close());

  test('concurrent POSTs with the same JSON-RPC id each get their own answer, with their own id and headers', async () => {
    const callers = Array.from({ length: 24 }, (_, i) => i);
    // Every caller uses id 1 (or "1"): the shared server must not confuse them.
    const results = await Promise.all(callers.map((i) => echo(host, i % 2 === 0 ? 1 : '1', `m${i}`, { 'x-caller': `c${i}` })));
    expect(results).toEqual(callers.map((i) => ({ id: i % 2 === 0 ? 1 : '1', message: `m${i}`, tag: `c${i}`, clientinfo: undefined })));
  });

  test("another client's initialize does not give a streamable tool call a clientinfo (stateless, as the extension)", async () => {
    const init = await postMcp(host.url, {
      jsonrpc: '2.0',
      id: 7,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'someone-else', version: '9' } },
    });
    expect(init.status).toBe(200);
    await init.text();
    expect((await echo(host, 8, 'after-initialize')).clientinfo).toBeUndefined();
  });
});
