import { InvalidRedirectUriError } from '../../src/oauth/errors.js';
import {
  findMatchingRedirectUri,
  isLoopbackHost,
  matchesRedirectUriAllowlist,
  redirectUriMatches,
  validateRedirectUri,
  validateRedirectUris,
} from '../../src/oauth/redirect-uri.js';

/** Asserts the URI is refused with invalid_redirect_uri and a description naming the problem. */
function expectRefused(uri: unknown, problem: RegExp): void {
  let caught: unknown;
  try {
    validateRedirectUri(uri);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidRedirectUriError);
  const error = caught as InvalidRedirectUriError;
  expect(error.errorCode).toBe('invalid_redirect_uri');
  expect(error.description).toMatch(problem);
  expect(error.description).toContain('Accepted:');
  expect(error.description).toContain('or one of cursor, vscode, vscode-insiders, windsurf.');
}

/** The description of the InvalidRedirectUriError that `fn` throws. */
function descriptionOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidRedirectUriError) return error.description;
    throw error;
  }
  throw new Error('expected an InvalidRedirectUriError');
}

describe('redirect URI rules: accepted', () => {
  test.each([
    'https://client.example.com/callback',
    'https://claude.ai/api/mcp/auth_callback?x=1',
    'http://localhost:6274/oauth/callback',
    'http://127.0.0.1/callback',
    'http://127.0.0.5:33418/',
    'http://[::1]:8080/cb',
    'cursor://anysphere.cursor-mcp/oauth/callback',
    'vscode://vscode.github-authentication/did-authenticate',
    'com.example.app:/oauth2redirect',
  ])('%s', (uri) => {
    expect(validateRedirectUri(uri)).toBe(uri);
  });
});

describe('redirect URI rules: refused', () => {
  test('javascript: scheme, any case', () => expectRefused('JavaScript:alert(1)', /forbidden scheme "javascript:"/));
  test('javascript: hidden with a tab', () => expectRefused('java\tscript:alert(1)', /whitespace or a control character/));
  test('javascript: with a leading space', () => expectRefused(' javascript:alert(1)', /whitespace or a control character/));
  test('javascript: with a NUL byte', () => expectRefused('javascript\u0000:alert(1)', /control character/));
  test('data: scheme', () => expectRefused('data:text/html,<script>alert(1)</script>', /forbidden scheme "data:"/));
  test('file: scheme', () => expectRefused('FILE:///etc/passwd', /forbidden scheme "file:"/));
  test('vbscript: scheme', () => expectRefused('vbscript:msgbox(1)', /forbidden scheme "vbscript:"/));
  test('userinfo', () => expectRefused('https://a@evil.example/cb', /user information/));
  test('empty userinfo', () => expectRefused('https://@evil.example/cb', /user information/));
  test('userinfo in a native scheme', () => expectRefused('cursor://user:pw@anysphere/cb', /user information/));
  test('fragment', () => expectRefused('https://client.example.com/cb#frag', /fragment/));
  test('empty fragment', () => expectRefused('https://client.example.com/cb#', /fragment/));
  test('wildcard', () => expectRefused('https://*.example.com/cb', /wildcard/));
  test('dot segment', () => expectRefused('https://client.example.com/a/./cb', /"\." or "\.\." path segment/));
  test('dot-dot segment', () => expectRefused('https://client.example.com/a/../cb', /"\." or "\.\." path segment/));
  test('encoded dot-dot segment', () => expectRefused('https://client.example.com/a/%2E%2e/cb', /path segment/));
  test('half-encoded dot-dot segment', () => expectRefused('http://localhost:1/.%2e/cb', /path segment/));
  test('over-long value', () => expectRefused(`https://client.example.com/${'a'.repeat(2000)}`, /longer than 2000 characters/));
  test('http to a non-loopback host', () => expectRefused('http://client.example.com/cb', /http with the non-loopback host/));
  test('http to a lookalike of localhost', () => expectRefused('http://localhost.evil.example/cb', /non-loopback host/));
  test('http to a private address', () => expectRefused('http://10.0.0.1/cb', /non-loopback host/));
  test('a dot-less private-use scheme', () => expectRefused('myapp://callback', /not in reverse-domain form/));
  test('a backslash', () => expectRefused('https://client.example.com\\@evil.example/cb', /backslash/));
  test('https without slashes', () => expectRefused('https:evil.example/cb', /must start with "https:\/\/"/));
  test('non-ASCII characters', () => expectRefused('https://exаmple.com/cb', /non-ASCII/));
  test('a relative URI', () => expectRefused('/callback', /no scheme/));
  test('not a string', () => expectRefused(42, /must be a string/));
  test('http to a lookalike of a loopback address', () => expectRefused('http://127.0.0.1.evil.example/cb', /non-loopback host "127\.0\.0\.1\.evil\.example"/));
  test('http to a host that ends like a loopback address', () => expectRefused('http://evil127.0.0.1.example/cb', /non-loopback host/));
  test('dot-dot in a private-use URI without authority', () => expectRefused('com.example.app:/../x', /path segment/));
  test('dot in a private-use URI without authority', () => expectRefused('com.example.app:/a/./cb', /path segment/));
  test('encoded dot-dot in a private-use URI', () => expectRefused('com.example.app:/a/.%2E/cb', /path segment/));
  test('dot-dot after a one-character host', () => expectRefused('cursor://h/a/../cb', /path segment/));
  test('dot-dot right after the host', () => expectRefused('cursor://h/../cb', /path segment/));
  test('a private-use URI whose whole path is dot-dot', () => expectRefused('com.example.app:..', /path segment/));
  test('a private-use URI whose path starts with a dot segment', () => expectRefused('com.example.app:./cb', /path segment/));
  test('a trailing dot-dot', () => expectRefused('https://client.example.com/a/..', /path segment/));
  test('a port out of range (unparseable)', () => expectRefused('https://client.example.com:99999/cb', /not a valid absolute URI/));
  test('an unclosed IPv6 literal (unparseable)', () => expectRefused('https://[::1/cb', /not a valid absolute URI/));
  test('https with an empty authority (the parser would take the path as host)', () => expectRefused('https:///cb', /has no host/));
  test('http with an empty authority before a loopback address', () => expectRefused('http:///127.0.0.1/cb', /has no host/));
  test('a dot-less scheme that only starts like a known one', () => expectRefused('cursorx://anysphere/cb', /not in reverse-domain form/));
  test('empty', () => expectRefused('', /is empty/));
  test('a DEL character', () => expectRefused('https://client.example.com/c\u007fb', /control character/));
  test('a C1 control character', () => expectRefused('https://client.example.com/c\u0085b', /control character/));
  test('a non-breaking space', () => expectRefused('https://client.example.com/c\u00a0b', /whitespace/));
  test('a line separator', () => expectRefused('https://client.example.com/c\u2028b', /whitespace/));
  test('http without slashes', () => expectRefused('http:/localhost/cb', /must start with "http:\/\/"/));
  test('a scheme not at the start', () => expectRefused('1com.example.app://cb', /no scheme/));
  test('2,001 characters', () => expectRefused(`https://client.example.com/${'a'.repeat(2001 - 27)}`, /longer than 2000 characters/));
  test.each(['javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'filesystem'])('the browser scheme %s:', (scheme) =>
    expectRefused(`${scheme}:x`, new RegExp(`forbidden scheme "${scheme}:"`)),
  );
});

describe('redirect URI rules: dots and queries that are not path segments are fine', () => {
  test.each([
    'cursor://h/cb?next=/../x',
    'https://client.example.com/a.b/..cb/cb..',
    'https://client.example.com/cb?x=..',
    'com.example.app:/callback?x=./y',
    'http://127.255.255.255:1/cb',
    'HTTPS://client.example.com/cb',
    'vscode-insiders://vscode.github-authentication/did-authenticate',
    'windsurf://codeium.windsurf/cb',
    'com.example.app+x-1:/cb',
    'com.example.app:/oauth@x/cb', // no authority, so "@" is path, not user information
    'https://client.example.com?u=a@b',
    'https://client.example.com/cb@x',
    `https://client.example.com/${'a'.repeat(2000 - 27)}`,
  ])('%s', (uri) => {
    expect(validateRedirectUri(uri)).toBe(uri);
  });
});

describe('redirect URI rules: what counts as loopback', () => {
  test.each(['localhost', '[::1]', '127.0.0.1', '127.1.2.3', '127.255.255.255'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  test.each(['localhost.evil.example', 'evil.localhost', '127.0.0.1.evil.example', 'x127.0.0.1', '127.0.0', '128.0.0.1', '[::2]', '::1', ''])(
    '%s is not loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe('redirect URI rules: what the error shows of the URI', () => {
  test('a short URI in full; a long one cut at 100 characters', () => {
    expect(() => validateRedirectUri('http://client.example.com/cb')).toThrow(
      expect.objectContaining({ description: expect.stringContaining('"http://client.example.com/cb"') }),
    );
    const long = `http://client.example.com/${'a'.repeat(200)}`;
    const description = descriptionOf(() => validateRedirectUri(long));
    expect(description).toContain(`"${long.slice(0, 100)}…"`);
    expect(description).not.toContain(long.slice(0, 101));
  });

  test('exactly 100 characters are shown in full', () => {
    const uri = `http://client.example.com/${'a'.repeat(100 - 26)}`;
    expect(uri).toHaveLength(100);
    expect(() => validateRedirectUri(uri)).toThrow(expect.objectContaining({ description: expect.stringContaining(`"${uri}"`) }));
  });
});

describe('redirect URI lists', () => {
  test('a list that is not an array is refused', () => {
    expect(() => validateRedirectUris('https://client.example.com/cb')).toThrow(
      expect.objectContaining({ errorCode: 'invalid_redirect_uri', description: expect.stringContaining('non-empty array') }),
    );
  });

  test('ten URIs are accepted', () => {
    const uris = Array.from({ length: 10 }, (_, i) => `https://client.example.com/cb${i}`);
    expect(validateRedirectUris(uris)).toEqual(uris);
  });

  test('an empty list is refused', () => {
    expect(() => validateRedirectUris([])).toThrow(/non-empty array/);
  });

  test('more than ten URIs are refused', () => {
    const uris = Array.from({ length: 11 }, (_, i) => `https://client.example.com/cb${i}`);
    expect(() => validateRedirectUris(uris)).toThrow(/11 entries; at most 10/);
  });

  test('duplicates are collapsed, order kept', () => {
    expect(validateRedirectUris(['https://a.example/1', 'https://a.example/2', 'https://a.example/1'])).toEqual(['https://a.example/1', 'https://a.example/2']);
  });
});

describe('operator allow-list', () => {
  const allowlist = ['http://localhost:*/callback', 'cursor://anysphere.cursor-mcp/oauth/callback'];

  test('is off when empty', () => {
    expect(matchesRedirectUriAllowlist('https://anything.example/cb', [])).toBe(true);
  });

  test('"*" matches a port', () => {
    expect(matchesRedirectUriAllowlist('http://localhost:6274/callback', allowlist)).toBe(true);
  });

  test('everything but "*" is literal: a dot matches only a dot', () => {
    expect(matchesRedirectUriAllowlist('https://app.example/cb', ['https://app.example/cb'])).toBe(true);
    expect(matchesRedirectUriAllowlist('https://appXexample/cb', ['https://app.example/cb'])).toBe(false);
    expect(matchesRedirectUriAllowlist('https://app.example/cb?x=1', ['https://app.example/cb?x=1'])).toBe(true);
    expect(matchesRedirectUriAllowlist('https://app.example/cb', ['https://app.example/cb+'])).toBe(false);
    expect(matchesRedirectUriAllowlist('https://app.example/cb/x', ['https://app.example/cb'])).toBe(false);
    expect(matchesRedirectUriAllowlist('x-https://app.example/cb', ['https://app.example/cb'])).toBe(false);
  });

  test('a long URI outside the list is named by its first 100 characters', () => {
    const long = `https://client.example.com/${'a'.repeat(200)}`;
    const description = descriptionOf(() => validateRedirectUris([long], allowlist));
    expect(description).toContain(`"${long.slice(0, 100)}"`);
    expect(description).not.toContain(long.slice(0, 101));
  });

  test('"*" does not cross into another host or path', () => {
    expect(matchesRedirectUriAllowlist('http://localhost:1@evil.example/callback', allowlist)).toBe(false);
    expect(matchesRedirectUriAllowlist('http://localhost:1/x/callback', allowlist)).toBe(false);
  });

  test('a URI outside the list is refused with the patterns named', () => {
    expect(() => validateRedirectUris(['https://client.example.com/cb'], allowlist)).toThrow(
      expect.objectContaining({
        errorCode: 'invalid_redirect_uri',
        description: expect.stringContaining('Allowed patterns: http://localhost:*/callback, cursor://anysphere.cursor-mcp/oauth/callback.'),
      }),
    );
    expect(validateRedirectUris(['cursor://anysphere.cursor-mcp/oauth/callback'], allowlist)).toHaveLength(1);
  });
});

describe('redirect URI matching at /authorize', () => {
  test('exact match', () => {
    expect(redirectUriMatches('https://client.example.com/cb', 'https://client.example.com/cb')).toBe(true);
  });

  test('no normalisation for https: case, trailing slash and query must match', () => {
    expect(redirectUriMatches('https://client.example.com/cb', 'https://CLIENT.example.com/cb')).toBe(false);
    expect(redirectUriMatches('https://client.example.com/cb', 'https://client.example.com/cb/')).toBe(false);
    expect(redirectUriMatches('https://client.example.com/cb', 'https://client.example.com/cb?x=1')).toBe(false);
  });

  test('https ports are not free', () => {
    expect(redirectUriMatches('https://client.example.com/cb', 'https://client.example.com:8443/cb')).toBe(false);
  });

  test('loopback http: any port matches (RFC 8252 §7.3)', () => {
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:49152/callback')).toBe(true);
    expect(redirectUriMatches('http://localhost:3000/callback', 'http://localhost:51234/callback')).toBe(true);
    expect(redirectUriMatches('http://[::1]:1/cb', 'http://[::1]:2/cb')).toBe(true);
  });

  test('loopback http: host, path and query still must match', () => {
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://localhost:1/callback')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:1/other')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:1/callback?x=1')).toBe(false);
  });

  test('loopback http: only the port may differ in the text, not what the URL parser would treat as equal', () => {
    expect(redirectUriMatches('http://localhost:8080/cb', 'HTTP://localhost:8080/cb')).toBe(false);
    expect(redirectUriMatches('http://localhost/cb', 'http://LOCALHOST:1/cb')).toBe(false);
    expect(redirectUriMatches('http://127.1/cb', 'http://127.0.0.1:1/cb')).toBe(false);
    expect(redirectUriMatches('http://%6cocalhost/cb', 'http://localhost:1/cb')).toBe(false);
    expect(redirectUriMatches('http://localhost/%63b', 'http://localhost:1/cb')).toBe(false);
    expect(redirectUriMatches('http://[::1]/cb', 'http://[::1]:1/cb')).toBe(true);
    expect(redirectUriMatches('http://localhost:/cb', 'http://localhost:1/cb')).toBe(true);
  });

  test('loopback http: a requested URI that breaks the rules never matches', () => {
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://user@127.0.0.1:1/callback')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:1/callback#x')).toBe(false);
  });

  test('only http loopback URIs get the any-port exception: not https on localhost, not a private-use scheme', () => {
    expect(redirectUriMatches('https://localhost/cb', 'https://localhost:8443/cb')).toBe(false);
    expect(redirectUriMatches('https://127.0.0.1/cb', 'https://127.0.0.1:8443/cb')).toBe(false);
    expect(redirectUriMatches('com.example.app://localhost/cb', 'com.example.app://localhost:1/cb')).toBe(false);
    expect(redirectUriMatches('http://client.example.com/cb', 'http://client.example.com:1/cb')).toBe(false);
  });

  test('an invalid registered or requested URI never matches another', () => {
    expect(redirectUriMatches('http://localhost:99999/cb', 'http://localhost:1/cb')).toBe(false);
    expect(redirectUriMatches('http://localhost:1/cb', 'http://localhost:99999/cb')).toBe(false);
    expect(redirectUriMatches('http://localhost:1/a/../cb', 'http://localhost:2/cb')).toBe(false);
  });

  test('findMatchingRedirectUri returns the registered form', () => {
    const registered = ['https://a.example/cb', 'http://localhost/cb'];
    expect(findMatchingRedirectUri(registered, 'http://localhost:9999/cb')).toBe('http://localhost/cb');
    expect(findMatchingRedirectUri(registered, 'https://b.example/cb')).toBeUndefined();
  });
});
