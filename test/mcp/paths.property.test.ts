import fc from 'fast-check';
import { matchMcpPath, rawPathOf, type McpEndpoint } from '../../src/mcp/paths.js';

/**
 * Property-based: request targets built from the pieces path tricks are made of (dot segments, encoded
 * dots and slashes, backslashes, case, doubled and trailing slashes, the extension's webhook path,
 * stray characters), absolute or origin-relative, with or without a query. Whatever the mix, an MCP
 * endpoint is matched only when the raw path is exactly the canonical one *and* the URL parser (what
 * the host routes on) agrees.
 */
const RUNS = 10_000;

const CANONICAL: Readonly<Record<McpEndpoint, string>> = { streamable: '/mcp', sse: '/mcp/sse', message: '/mcp/message' };
const WEBHOOKS = /^\/runtime\/webhooks(\/|$)/i;

const segment = fc.oneof(
  fc.constantFrom('mcp', 'MCP', 'Mcp', 'sse', 'SSE', 'message', 'runtime', 'webhooks', 'oauth', 'x', ''),
  fc.constantFrom('.', '..', '%2e', '%2E', '%2e%2e', '.%2e', '%2E.', '%2f', '%2F', '%5c', '%6dcp', 'mcp%2fsse', 'mcp;x', 'mcp%00'),
  fc.constantFrom('\\', '\\mcp', 'mcp\\', ' ', '\t', '\n', 'mcp ', '@', ':', '?', '#', '%', '//'),
  fc.string({ maxLength: 4 }),
);
const separator = fc.constantFrom('/', '/', '/', '//', '\\', '/./', '/../');
/** A path of 0 to 5 segments, each after a separator, sometimes with a trailing separator. */
const path = fc
  .tuple(fc.array(fc.tuple(separator, segment), { maxLength: 5 }), fc.constantFrom('', '', '/', '\\'))
  .map(([parts, tail]) => parts.map(([sep, seg]) => sep + seg).join('') + tail);
const query = fc.oneof(
  fc.constant(''),
  fc.string({ maxLength: 8 }).map((q) => `?${q}`),
  fc.constantFrom('?x=/mcp', '#/mcp', '?/../mcp'),
);
const origin = fc.constantFrom('', '', 'http://localhost:7071', 'https://gw.example', 'HTTPS://GW.EXAMPLE', 'https://gw.example\\x', 'https://gw.example:443');
/** Targets near the real ones: a canonical path with one piece spliced in somewhere. */
const nearCanonical = fc
  .tuple(
    fc.constantFrom(...Object.values(CANONICAL)),
    fc.nat(12),
    fc.constantFrom('/', '.', '..', '/.', '/..', '\\', '%2e', '%2f', 'M', 'S', ' ', '//', ';', '%'),
  )
  .map(([canonical, at, piece]) => canonical.slice(0, at) + piece + canonical.slice(at));
const target = fc.tuple(origin, fc.oneof(path, nearCanonical, fc.constantFrom(...Object.values(CANONICAL))), query).map(([o, p, q]) => o + p + q);

function routedPath(url: string): string | undefined {
  try {
    return new URL(url, 'http://gateway.invalid').pathname;
  } catch {
    return undefined;
  }
}

describe('mcp paths (property-based, 10,000 targets each)', () => {
  test('a matched target has exactly the canonical raw path, and the parser routes it there too', () => {
    let matched = 0;
    fc.assert(
      fc.property(target, (url) => {
        const endpoint = matchMcpPath(url);
        if (endpoint === null) return true;
        matched += 1;
        return rawPathOf(url) === CANONICAL[endpoint] && routedPath(url) === CANONICAL[endpoint];
      }),
      { numRuns: RUNS },
    );
    // The generator must also produce real matches, or this property would hold vacuously.
    expect(matched).toBeGreaterThan(RUNS / 100);
  });

  test('no target that reaches /runtime/webhooks, and no non-canonical spelling of an MCP path, is matched', () => {
    fc.assert(
      fc.property(target, (url) => {
        const raw = rawPathOf(url);
        const routed = routedPath(url);
        const nonCanonical = !Object.values(CANONICAL).includes(raw) || routed === undefined || routed !== raw;
        const forbidden = WEBHOOKS.test(raw) || (routed !== undefined && WEBHOOKS.test(routed)) || nonCanonical;
        return !forbidden || matchMcpPath(url) === null;
      }),
      { numRuns: RUNS },
    );
  });

  test('the canonical paths match with any origin and any query', () => {
    const cleanOrigin = fc.constantFrom('', 'http://localhost:7071', 'https://gw.example', 'https://gw.example:8443');
    fc.assert(
      fc.property(cleanOrigin, fc.constantFrom(...(Object.keys(CANONICAL) as McpEndpoint[])), fc.string({ maxLength: 20 }), (o, endpoint, q) => {
        return matchMcpPath(`${o}${CANONICAL[endpoint]}?${q}`) === endpoint;
      }),
      { numRuns: RUNS },
    );
  });

  test('the known non-canonical forms are refused', () => {
    for (const url of ['//mcp', '/oauth/../mcp', '/%2e%2e/mcp', '/MCP', '/mcp/', '\\mcp', '/mcp\\sse', 'https://gw.example\\x/mcp']) {
      expect({ url, endpoint: matchMcpPath(url) }).toEqual({ url, endpoint: null });
    }
  });
});
