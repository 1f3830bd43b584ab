import { InvalidRedirectUriError } from './errors.js';

/**
 * Redirect URI rules, used at registration (DCR and client ID metadata documents) and again at
 * /authorize. A redirect URI is where the gateway sends an authorization code, so anything that could
 * send it somewhere the client does not control is refused at registration, and /authorize compares
 * exactly (RFC 9700 §4.1.3), with the one exception RFC 8252 §7.3 makes for loopback ports.
 *
 * Accepted forms:
 * - `https://host/...` for web clients.
 * - `http://` only to loopback: `127.0.0.0/8`, `[::1]` or `localhost`, any port (RFC 8252 §7.3). The
 *   name `localhost` is accepted although RFC 8252 §8.3 prefers IP literals, because MCP clients use it.
 * - Private-use schemes for native apps (RFC 8252 §7.1): a reverse-domain scheme (one with a dot, such
 *   as `com.example.app:/callback`), which §7.1 requires of new apps, or one of the dot-less schemes of
 *   known MCP clients in `KNOWN_NATIVE_SCHEMES`. Other dot-less schemes are refused: a bare word is
 *   easy for another app on the device to claim, and could be a browser-handled scheme we did not list.
 */

export const MAX_REDIRECT_URI_LENGTH = 2000;
export const MAX_REDIRECT_URIS = 10;

/** Dot-less private-use schemes registered by MCP clients that predate RFC 8252's reverse-domain advice. */
export const KNOWN_NATIVE_SCHEMES: readonly string[] = ['cursor', 'vscode', 'vscode-insiders', 'windsurf'];

/** Schemes that run code or read local data in the browser; never a redirect target. */
const FORBIDDEN_SCHEMES = new Set(['javascript', 'data', 'file', 'vbscript', 'blob', 'about', 'filesystem']);

const ACCEPTED =
  'Accepted: https URLs; http URLs on loopback (127.0.0.1, [::1] or localhost, any port); private-use ' +
  `schemes for native apps, in reverse-domain form (com.example.app:/callback) or one of ${KNOWN_NATIVE_SCHEMES.join(', ')}.`;

function refuse(uri: string, problem: string): never {
  // Only a bounded prefix is echoed: the value is attacker-chosen and may be huge.
  const shown = uri.length > 100 ? `${uri.slice(0, 100)}…` : uri;
  throw new InvalidRedirectUriError(`Redirect URI "${shown}" ${problem}. ${ACCEPTED}`);
}

/** The `//authority` part of a hierarchical URI, as written (before the URL parser normalises it). */
function rawAuthority(uri: string): string | undefined {
  const afterScheme = uri.slice(uri.indexOf(':') + 1);
  if (!afterScheme.startsWith('//')) return undefined;
  return afterScheme.slice(2).split(/[/?]/, 1)[0];
}

/** The path as written, without scheme, authority and query. */
function rawPath(uri: string): string {
  let rest = uri.slice(uri.indexOf(':') + 1);
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?]/);
    rest = end === -1 ? '' : rest.slice(2 + end);
  }
  return rest.split('?', 1)[0] ?? '';
}

/** `.` or `..`, also percent-encoded: the URL parser resolves them, which would change the target. */
function hasDotSegment(uri: string): boolean {
  return rawPath(uri)
    .split('/')
    .some((segment) => /^(\.|%2e){1,2}$/i.test(segment));
}

/** Loopback as RFC 8252 §7.3 means it, on the parser's normalised host (so `127.1` counts). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function checkCharacters(uri: string): void {
  if (uri.length === 0) refuse(uri, 'is empty');
  if (uri.length > MAX_REDIRECT_URI_LENGTH) refuse(uri, `is longer than ${MAX_REDIRECT_URI_LENGTH} characters`);
  // Whitespace and control characters are how `java\tscript:` slips past naive scheme checks.
  // eslint-disable-next-line no-control-regex -- finding control characters is this check's purpose
  if (/[\u0000-\u0020\u007f-\u009f\s]/u.test(uri)) refuse(uri, 'contains whitespace or a control character');
  // eslint-disable-next-line no-control-regex -- the ASCII range starts at \u0000 by definition
  if (/[^\u0000-\u007f]/u.test(uri)) refuse(uri, 'contains non-ASCII characters (percent-encode them, or use punycode)');
  if (uri.includes('\\')) refuse(uri, 'contains a backslash');
}

function checkScheme(uri: string, scheme: string): void {
  if (FORBIDDEN_SCHEMES.has(scheme)) refuse(uri, `uses the forbidden scheme "${scheme}:"`);
  if (scheme === 'https' || scheme === 'http') {
    if (!uri.toLowerCase().startsWith(`${scheme}://`)) refuse(uri, `must start with "${scheme}://"`);
    return;
  }
  if (!scheme.includes('.') && !KNOWN_NATIVE_SCHEMES.includes(scheme)) {
    refuse(uri, `uses the private-use scheme "${scheme}:", which is not in reverse-domain form (RFC 8252 §7.1)`);
  }
}

/**
 * Checks one redirect URI against the built-in rules and returns it unchanged (clients send the same
 * string at /authorize, where it is compared exactly). Throws `InvalidRedirectUriError` saying what is
 * wrong and what is accepted.
 */
export function validateRedirectUri(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidRedirectUriError(`Each redirect URI must be a string. ${ACCEPTED}`);
  const uri = value;
  checkCharacters(uri);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  if (!scheme) refuse(uri, 'is not an absolute URI (it has no scheme)');
  checkScheme(uri, scheme);
  if (uri.includes('#')) refuse(uri, 'contains a fragment ("#"), which RFC 6749 §3.1.2 forbids');
  if (uri.includes('*')) refuse(uri, 'contains a wildcard ("*"); register each exact URI');
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    refuse(uri, 'is not a valid absolute URI');
  }
  if (rawAuthority(uri)?.includes('@') || parsed.username || parsed.password) {
    refuse(uri, 'contains user information ("user@host"), which can disguise the real host');
  }
  if (hasDotSegment(uri)) refuse(uri, 'contains a "." or ".." path segment (also when percent-encoded)');
  if ((scheme === 'https' || scheme === 'http') && !parsed.hostname) refuse(uri, 'has no host');
  if (scheme === 'http' && !isLoopbackHost(parsed.hostname)) {
    refuse(uri, `uses http with the non-loopback host "${parsed.hostname}"; use https`);
  }
  return uri;
}

/**
 * `*` in an operator pattern matches within one path segment, host label run or port: it never crosses
 * `/`, `?`, `#`, `@` or `:`, so `http://localhost:*\/callback` cannot be stretched to another host.
 */
function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('[^/?#@:]*');
  return new RegExp(`^${escaped}$`);
}

/** True when `uri` matches one of the operator's patterns, or when the list is empty (off). */
export function matchesRedirectUriAllowlist(uri: string, patterns: readonly string[]): boolean {
  return patterns.length === 0 || patterns.some((p) => patternToRegExp(p).test(uri));
}

/**
 * Validates a client's whole `redirect_uris` list: 1 to MAX_REDIRECT_URIS entries, each passing the
 * built-in rules and, when the operator set one, the allow-list. Returns the distinct URIs in order.
 */
export function validateRedirectUris(value: unknown, allowlist: readonly string[] = []): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidRedirectUriError(`redirect_uris must be a non-empty array of URIs. ${ACCEPTED}`);
  }
  if (value.length > MAX_REDIRECT_URIS) {
    throw new InvalidRedirectUriError(`redirect_uris has ${value.length} entries; at most ${MAX_REDIRECT_URIS} are accepted.`);
  }
  const uris = value.map(validateRedirectUri);
  for (const uri of uris) {
    if (!matchesRedirectUriAllowlist(uri, allowlist)) {
      throw new InvalidRedirectUriError(
        `Redirect URI "${uri.slice(0, 100)}" is not allowed by this server's policy. Allowed patterns: ${allowlist.join(', ')}.`,
      );
    }
  }
  return [...new Set(uris)];
}

function loopbackParts(uri: string): URL | undefined {
  try {
    const url = new URL(validateRedirectUri(uri));
    return url.protocol === 'http:' && isLoopbackHost(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a redirect URI sent at /authorize matches one registered: exact string comparison, except
 * that for http loopback URIs the port is ignored (RFC 8252 §7.3: native apps get an ephemeral port
 * from the OS at run time). Scheme, host, path and query must still be identical.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const a = loopbackParts(registered);
  const b = loopbackParts(requested);
  if (!a || !b) return false;
  return a.hostname === b.hostname && a.pathname === b.pathname && a.search === b.search;
}

/** The registered URI that `requested` matches, if any (see `redirectUriMatches`). */
export function findMatchingRedirectUri(registered: readonly string[], requested: string): string | undefined {
  return registered.find((uri) => redirectUriMatches(uri, requested));
}
