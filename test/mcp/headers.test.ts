import { clientResponseHeaders, upstreamQuery, upstreamRequestHeaders } from '../../src/mcp/headers.js';

describe('mcp headers: what crosses the gateway', () => {
  test('the client credentials, key, gateway headers and hop-by-hop headers are not forwarded', () => {
    const incoming = new Headers({
      Authorization: 'Bearer secret-token',
      'X-Functions-Key': 'guessed',
      'X-MCP-Gateway-Session': 'forged',
      'x-mcp-gateway-other': 'forged',
      Cookie: 'consent=1',
      Connection: 'keep-alive, X-Custom-Hop',
      'X-Custom-Hop': 'drop me',
      'Keep-Alive': 'timeout=5',
      'Transfer-Encoding': 'chunked',
      'Proxy-Authorization': 'Basic x',
      TE: 'trailers',
      Upgrade: 'h2c',
      Host: 'gw.example',
      'Content-Length': '10',
      'Accept-Encoding': 'gzip',
      'Mcp-Session-Id': 'abc|def',
      'MCP-Protocol-Version': '2025-06-18',
      'Last-Event-ID': '42',
      Accept: 'application/json, text/event-stream',
      'Content-Type': 'application/json',
      'User-Agent': 'test',
    });
    const out = upstreamRequestHeaders(incoming, { 'x-mcp-gateway-session': 'sealed', 'x-functions-key': 'the-key' });
    expect(out).toEqual({
      'mcp-session-id': 'abc|def',
      'mcp-protocol-version': '2025-06-18',
      'last-event-id': '42',
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'user-agent': 'test',
      'x-mcp-gateway-session': 'sealed',
      'x-functions-key': 'the-key',
    });
  });

  test('the client gets the session id and content headers, never cookies, keys or framing headers', () => {
    // As node:http hands them over: lower-case names, Set-Cookie as a list.
    const upstream = {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache,no-store',
      'mcp-session-id': 'abc|def',
      'set-cookie': ['ARRAffinity=1', 'other=2'],
      'content-encoding': 'gzip',
      'content-length': '5',
      'transfer-encoding': 'chunked',
      connection: 'close, x-hop',
      'x-hop': 'drop me',
      'x-functions-key': 'leak',
      'x-mcp-gateway-session': 'leak',
      vary: 'accept, origin',
    };
    expect(Object.fromEntries(clientResponseHeaders(upstream))).toEqual({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache,no-store',
      'mcp-session-id': 'abc|def',
      // The bytes pass through unchanged, so their encoding is relayed with them.
      'content-encoding': 'gzip',
      vary: 'accept, origin',
    });
  });

  test('the query keeps everything but the Functions key parameter', () => {
    expect(upstreamQuery(new URLSearchParams('a=1&code=k&CODE=k2&b=2'))).toBe('?a=1&b=2');
    expect(upstreamQuery(new URLSearchParams('code=k'))).toBe('');
  });
});
