import { InvalidRedirectUriError } from '../../src/oauth/errors.js';
import {
  findMatchingRedirectUri,
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
});

describe('redirect URI lists', () => {
  test('an empty list is refused', () => {
    expect(() => validateRedirectUris([])).toThrow(/non-empty array/);
  });

  test('more than ten URIs are refused', () => {
    const uris = Array.from({ length: 11 }, (_, i) => `https://client.example.com/cb${i}`);
    expect(() => validateRedirectUris(uris)).toThrow(/11 entries; at most 10/);
  });

  test('duplicates are collapsed, order kept', () => {
    expect(validateRedirectUris(['https://a.example/1', 'https://a.example/2', 'https://a.example/1'])).toEqual([
      'https://a.example/1',
      'https://a.example/2',
    ]);
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

  test('"*" does not cross into another host or path', () => {
    expect(matchesRedirectUriAllowlist('http://localhost:1@evil.example/callback', allowlist)).toBe(false);
    expect(matchesRedirectUriAllowlist('http://localhost:1/x/callback', allowlist)).toBe(false);
  });

  test('a URI outside the list is refused with the patterns named', () => {
    expect(() => validateRedirectUris(['https://client.example.com/cb'], allowlist)).toThrow(
      expect.objectContaining({ errorCode: 'invalid_redirect_uri', description: expect.stringContaining('http://localhost:*/callback') }),
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

  test('loopback http: a requested URI that breaks the rules never matches', () => {
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://user@127.0.0.1:1/callback')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/callback', 'http://127.0.0.1:1/callback#x')).toBe(false);
  });

  test('findMatchingRedirectUri returns the registered form', () => {
    const registered = ['https://a.example/cb', 'http://localhost/cb'];
    expect(findMatchingRedirectUri(registered, 'http://localhost:9999/cb')).toBe('http://localhost/cb');
    expect(findMatchingRedirectUri(registered, 'https://b.example/cb')).toBeUndefined();
  });
});
