import fc from 'fast-check';
import { findMatchingRedirectUri, validateRedirectUri } from '../../src/oauth/redirect-uri.js';

/**
 * Property-based: redirect URIs built from the pieces redirect tricks are made of (browser schemes,
 * userinfo, lookalike and shorthand hosts, odd ports, dot segments plain and encoded, backslashes,
 * queries, fragments), and requested URIs made from registered ones by small edits. Whatever the mix:
 * an accepted URI sends the browser where its text says, and /authorize accepts only a registered
 * URI, or one that differs from it in nothing but the port of an http loopback URI (RFC 8252 §7.3).
 */
const RUNS = 10_000;
const LOOPBACK_HOSTNAMES = /^(localhost|\[::1\]|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

const scheme = fc.constantFrom('https', 'https', 'http', 'http', 'HTTP', 'cursor', 'vscode', 'com.example.app', 'javascript', 'data', 'myapp', 'file');
const separator = fc.constantFrom('://', '://', '://', ':/', ':', ':///', ':\\\\');
const userinfo = fc.constantFrom('', '', '', '', 'u@', '@', 'u:p@', 'client.example@');
const host = fc.constantFrom(
  'localhost',
  '127.0.0.1',
  '127.1',
  '[::1]',
  'client.example',
  'LOCALHOST',
  'localhost.evil.example',
  '127.0.0.1.evil.example',
  'evil.example',
  '0x7f.0.0.1',
  '%6cocalhost',
  '',
);
const port = fc.constantFrom('', '', '', ':8080', ':1', ':0', ':65535', ':65536', ':x', ':');
const segment = fc.constantFrom('cb', 'callback', 'a', '', '.', '..', '%2e', '%2E%2e', '.%2e', '@evil.example', 'evil.example', '%2f', '\\', 'a b', '*', 'é');
const path = fc.array(segment, { maxLength: 4 }).map((segments) => segments.map((s) => `/${s}`).join(''));
const query = fc.constantFrom('', '', '?x=1', '?', '?next=/../x', '?a=b&c=d', '?u=http://evil.example/');
const fragment = fc.constantFrom('', '', '', '#', '#x');
const uri = fc
  .tuple(scheme, separator, userinfo, host, port, path, query, fragment)
  .map(([s, sep, user, h, p, pa, q, f]) => `${s}${sep}${user}${h}${p}${pa}${q}${f}`);

/** Mostly valid URIs, as clients register them (the noisy `uri` above is mostly refused). */
const registrable = fc
  .tuple(
    fc.constantFrom('https://client.example', 'http://localhost', 'http://127.0.0.1', 'http://[::1]', 'cursor://anysphere.cursor-mcp', 'com.example.app:'),
    fc.constantFrom('', ':8080', ':1'),
    fc.array(fc.constantFrom('cb', 'callback', 'oauth', 'a.b'), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('', '?x=1', '?a=b&c=d'),
  )
  .map(([origin, p, segments, q]) => `${origin}${origin.endsWith(':') ? '' : p}/${segments.join('/')}${q}`);

function accepted(value: string): boolean {
  try {
    validateRedirectUri(value);
    return true;
  } catch {
    return false;
  }
}

/** Small edits of a registered URI: the ways a requested URI could try to pass for it. */
function edited(base: string): fc.Arbitrary<string> {
  const piece = fc.constantFrom(':1', ':8080', '/', '/..', '/.', '.', '@evil.example', '.evil.example', '?', '#', '%2e', 'A', '\\', '//', ':');
  return fc.oneof(
    fc.constant(base),
    fc.tuple(fc.nat(base.length), piece).map(([at, p]) => base.slice(0, at) + p + base.slice(at)),
    fc.nat(Math.max(base.length - 1, 0)).map((at) => base.slice(0, at) + base.slice(at + 1)),
    fc.constant(base.toUpperCase()),
    fc.constant(base.replace(/^(\w+:\/\/[^/?#]*?)(:\d+)?(?=[/?#]|$)/, '$1:49152')),
  );
}

/** The URI without the port of its authority, as text. */
const withoutPort = (value: string) => value.replace(/^(http:\/\/[^/?#]*?)(:\d*)?(?=[/?#]|$)/i, '$1');

describe('redirect URIs (property-based, 10,000 cases each)', () => {
  test('an accepted URI goes where its text says: no userinfo, no fragment, no parser-resolved dot segment, http only to loopback', () => {
    let count = 0;
    fc.assert(
      fc.property(uri, (value) => {
        if (!accepted(value)) return true;
        count += 1;
        const url = new URL(value);
        const schemeName = url.protocol.slice(0, -1);
        const rawPath =
          value
            .slice(value.indexOf(':') + 1)
            .replace(/^\/\/[^/?]*/, '')
            .split('?')[0] ?? '';
        return (
          url.username === '' &&
          url.password === '' &&
          !value.includes('#') &&
          !['javascript', 'data', 'file'].includes(schemeName) &&
          (schemeName !== 'http' || LOOPBACK_HOSTNAMES.test(url.hostname)) &&
          ((schemeName !== 'http' && schemeName !== 'https') || url.hostname !== '') &&
          // Every segment the text has, the parsed URL has: nothing was resolved away.
          (rawPath === '' || url.pathname.split('/').length === rawPath.split('/').length)
        );
      }),
      { numRuns: RUNS },
    );
    expect(count).toBeGreaterThan(RUNS / 50);
  });

  test('/authorize accepts only a registered URI, or the same http loopback URI on another port', () => {
    let portOnly = 0;
    const registeredAndRequested = fc
      .array(fc.oneof(registrable, registrable, uri), { minLength: 1, maxLength: 3 })
      .map((uris) => uris.filter(accepted))
      // No `.filter(non-empty)`: fast-check would retry it forever if nothing were accepted (a weakened
      // validator then hangs the test instead of failing it); an empty list matches nothing, and the
      // `portOnly` count below fails the test when too few lists were useful.
      .chain((registered) => fc.tuple(fc.constant(registered), registered.length > 0 ? fc.oneof(fc.constantFrom(...registered).chain(edited), uri) : uri));
    fc.assert(
      fc.property(registeredAndRequested, ([registered, requested]) => {
        const match = findMatchingRedirectUri(registered, requested);
        if (match === undefined) return true;
        if (!registered.includes(match)) return false;
        if (match === requested) return true;
        portOnly += 1;
        const a = new URL(match);
        const b = new URL(requested);
        return (
          accepted(requested) &&
          b.protocol === 'http:' &&
          LOOPBACK_HOSTNAMES.test(b.hostname) &&
          a.hostname === b.hostname &&
          a.pathname === b.pathname &&
          a.search === b.search &&
          withoutPort(match) === withoutPort(requested)
        );
      }),
      { numRuns: RUNS },
    );
    // Some requests must really use the port exception, or this property would hold vacuously.
    expect(portOnly).toBeGreaterThan(RUNS / 200);
  });
});
