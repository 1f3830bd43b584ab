import { matchMcpPath, rawPathOf } from '../../src/mcp/paths.js';

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
  });
});
