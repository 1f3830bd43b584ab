import { ALLOWED_METHODS, matchMcpPath, rawPathOf } from '../../src/mcp/paths.js';

const base = 'http://localhost:7071';

describe('mcp paths: only the exact protected paths match', () => {
  test.each([
    ['/mcp', 'streamable'],
    ['/mcp?x=1', 'streamable'],
    ['/mcp/sse', 'sse'],
    ['/mcp/message?session=abc', 'message'],
  ])('%s is %s', (path, endpoint) => {
    expect(matchMcpPath(base + path)).toBe(endpoint);
    expect(matchMcpPath(path)).toBe(endpoint);
  });

  test.each([
    '//mcp',
    '/x/../mcp',
    '/%2e%2e/mcp',
    '/%2E%2E/mcp',
    '/mcp%2fsse',
    '/mcp%2Fmessage',
    '/%6dcp',
    '/MCP',
    '/Mcp/sse',
    '/mcp/',
    '/mcp/sse/',
    '/mcp/message/../sse',
    '/mcp/./sse',
    '/mcp/sse/..',
    '/mcp\\sse',
    '/mcp;x',
    '/mcp/other',
    '/runtime/webhooks/mcp',
    '/',
    '',
  ])('%s matches nothing', (path) => {
    expect(matchMcpPath(base + path)).toBeNull();
    expect(matchMcpPath(path)).toBeNull();
  });

  test('the raw path is taken without decoding or dot-segment removal', () => {
    expect(rawPathOf('http://h:1/a/../mcp?q=/x')).toBe('/a/../mcp');
    expect(rawPathOf('https://h//mcp#f')).toBe('//mcp');
    expect(rawPathOf('/%2e%2e/mcp')).toBe('/%2e%2e/mcp');
    expect(rawPathOf('http://h')).toBe('');
  });

  test('an authority is only recognised at the start: a URL inside an origin-relative path stays path', () => {
    expect(rawPathOf('/go/https://h/mcp')).toBe('/go/https://h/mcp');
    expect(rawPathOf('x/http://h/mcp')).toBe('x/http://h/mcp');
  });

  // The raw text names /mcp, but the URL parser (and so the host's router) sees another path: a
  // backslash is a slash in special URLs, so this request is really for /x/mcp.
  test('a backslash in the authority hides a path segment: refused', () => {
    expect(rawPathOf('http://gw.example\\x/mcp')).toBe('/mcp');
    expect(matchMcpPath('http://gw.example\\x/mcp')).toBeNull();
    expect(matchMcpPath('http://gw.example\\runtime\\webhooks/mcp/sse')).toBeNull();
  });

  test('a URL the parser refuses matches nothing (and does not throw)', () => {
    for (const url of ['http://[::1/mcp', 'http://gw.example:99999/mcp', 'http://a%zz/mcp']) {
      expect({ url, endpoint: matchMcpPath(url) }).toEqual({ url, endpoint: null });
    }
  });
});

describe('mcp paths: the methods each endpoint answers (anything else is 405)', () => {
  test('streamable HTTP: POST, GET (the server stream) and DELETE (end the session); SSE: GET; message: POST', () => {
    expect(ALLOWED_METHODS).toEqual({ streamable: ['POST', 'GET', 'DELETE'], sse: ['GET'], message: ['POST'] });
  });
});
