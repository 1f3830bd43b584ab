import http from 'node:http';
import type { LocalHost } from '../../../src/local/host/index.js';
import { mcpAccept, postMcp, sseEvents, startFixtureHost } from './helpers.js';

const initialize = (protocolVersion: string) => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
});

/** Opens `GET …/sse` and reads its first event; the stream is then dropped. */
function firstSseEvent(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\n\n')) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
          req.destroy();
        }
      });
    });
    req.on('error', reject);
  });
}

describe('local host: MCP extension wire facts (docs/local-host.md)', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startFixtureHost();
  });
  afterAll(() => host.close());

  test('streamable endpoint: any method but POST is 405 with an empty body and no Allow header', async () => {
    for (const method of ['GET', 'DELETE', 'PUT']) {
      const res = await fetch(`${host.url}/runtime/webhooks/mcp`, { method, headers: { accept: mcpAccept } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBeNull();
      expect(await res.text()).toBe('');
    }
  });

  test('an Accept without both media types is 406 with the extension body; */* passes', async () => {
    const res = await postMcp(host.url, initialize('2025-06-18'), { accept: 'application/json' });
    expect(res.status).toBe(406);
    expect(await res.json()).toEqual({
      jsonrpc: '2.0',
      id: '',
      error: { code: -32000, message: 'Not Acceptable: Client must accept both application/json and text/event-stream' },
    });
    expect((await postMcp(host.url, initialize('2025-06-18'), { accept: '*/*' })).status).toBe(200);
  });

  test('a malformed Mcp-Session-Id is 400 "Invalid client state."; an unknown well-formed one is accepted', async () => {
    for (const bad of ['no-separator', 'a|', '|b', 'a|b|c']) {
      const res = await postMcp(host.url, { jsonrpc: '2.0', id: 2, method: 'ping' }, { 'mcp-session-id': bad });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ jsonrpc: '2.0', id: '', error: { code: -32000, message: 'Invalid client state.' } });
    }
    const ok = await postMcp(host.url, { jsonrpc: '2.0', id: 3, method: 'ping' }, { 'mcp-session-id': 'unknownclient000|otherinstance000' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('mcp-session-id')).toBeNull();
  });

  test('a JSON null body is 400; a batch is not handled (500)', async () => {
    const nullBody = await postMcp(host.url, 'null');
    expect(nullBody.status).toBe(400);
    expect(await nullBody.json()).toMatchObject({ error: { code: -32000, message: 'Bad Request: The POST body did not contain a valid JSON-RPC message.' } });
    expect((await postMcp(host.url, [{ jsonrpc: '2.0', id: 1, method: 'ping' }])).status).toBe(500);
  });

  test('initialize: event-stream framing, no-cache headers, a new <id>|<instance> session id, version rules', async () => {
    const res = await postMcp(host.url, initialize('2025-03-26'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache,no-store');
    expect(res.headers.get('mcp-session-id')).toMatch(/^[a-z0-9]{16}\|[a-z0-9]{16}$/);
    const [event] = await collect(res);
    expect(event?.event).toBe('message');
    expect(JSON.parse(event!.data)).toMatchObject({ id: 1, result: { protocolVersion: '2025-03-26' } });

    for (const asked of ['2025-11-25', '1999-01-01']) {
      const [answer] = await collect(await postMcp(host.url, initialize(asked)));
      expect(JSON.parse(answer!.data).result.protocolVersion).toBe('2025-06-18');
    }
    const withSession = await postMcp(host.url, initialize('2024-11-05'), { 'mcp-session-id': 'aaaaaaaaaaaaaaaa|bbbbbbbbbbbbbbbb' });
    expect(withSession.headers.get('mcp-session-id')).toBeNull();
  });

  test('notifications get 202 with an empty body; unknown methods -32601; logging/setLevel {}', async () => {
    const note = await postMcp(host.url, { jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(note.status).toBe(202);
    expect(await note.text()).toBe('');
    const [unknown] = await collect(await postMcp(host.url, { jsonrpc: '2.0', id: 5, method: 'no/such' }));
    expect(JSON.parse(unknown!.data).error).toEqual({ code: -32601, message: "Method 'no/such' is not available." });
    const [level] = await collect(await postMcp(host.url, { jsonrpc: '2.0', id: 6, method: 'logging/setLevel', params: { level: 'info' } }));
    expect(JSON.parse(level!.data).result).toEqual({});
  });

  test('SSE: the endpoint event is relative, message?azmcpcs=<state>, and other methods get 405', async () => {
    const first = await firstSseEvent(`${host.url}/runtime/webhooks/mcp/sse`);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/event-stream');
    expect(first.headers['cache-control']).toBe('no-cache,no-store');
    expect(first.text).toMatch(/^event: endpoint\ndata: message\?azmcpcs=[a-z0-9]{16}\|[a-z0-9]{16}\n\n$/);
    expect((await fetch(`${host.url}/runtime/webhooks/mcp/sse`, { method: 'POST' })).status).toBe(405);
  });

  test('SSE message endpoint: state errors are 400 with the extension texts; a live session gets 202 Accepted', async () => {
    const post = (query: string, body: unknown = { jsonrpc: '2.0', id: 1, method: 'ping' }) =>
      fetch(`${host.url}/runtime/webhooks/mcp/message${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const missing = await post('');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toBe('Missing service context. Please connect to the /sse endpoint to initiate your session.');
    expect(await (await post('?azmcpcs=garbage')).json()).toMatch(/^Invalid client state\. /);
    expect(await (await post('?azmcpcs=aaaaaaaaaaaaaaaa|bbbbbbbbbbbbbbbb')).json()).toMatch(/^No active session for client 'aaaaaaaaaaaaaaaa'/);

    const controller = new AbortController();
    const stream = await fetch(`${host.url}/runtime/webhooks/mcp/sse`, { signal: controller.signal });
    const events = sseEvents(stream.body!);
    const endpoint = (await events.next()).value!.data;
    const accepted = await fetch(new URL(endpoint, `${host.url}/runtime/webhooks/mcp/sse`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }),
    });
    expect(accepted.status).toBe(202);
    expect(await accepted.text()).toBe('Accepted');
    const reply = (await events.next()).value!;
    expect(reply.event).toBe('message');
    expect(JSON.parse(reply.data)).toEqual({ jsonrpc: '2.0', id: 9, result: {} });
    controller.abort();
  });
});

describe('local host: close', () => {
  test('ends open SSE streams and frees the port', async () => {
    const host = await startFixtureHost();
    const stream = await fetch(`${host.url}/runtime/webhooks/mcp/sse`);
    const events = sseEvents(stream.body!);
    expect((await events.next()).value?.event).toBe('endpoint');
    await host.close();
    // The stream ends (cleanly or by reset) instead of staying open.
    await expect(
      events.next().then(
        (r) => r.done,
        () => true,
      ),
    ).resolves.toBe(true);
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(host.port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});

async function collect(res: Response): Promise<{ event?: string; data: string }[]> {
  const events: { event?: string; data: string }[] = [];
  for await (const event of sseEvents(res.body!)) events.push(event);
  return events;
}
