import { safeFetch, SafeFetchError, type ResolveHost } from '../net/safe-fetch.js';
import type { RegisteredClient } from './client.js';
import { parseClientMetadata } from './client-metadata.js';
import { InvalidClientError, OAuthError } from './errors.js';
import { LruCache } from './lru-cache.js';

/**
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document, as the MCP authorization
 * spec adopts it): a client whose `client_id` is an https URL is described by the JSON document served
 * there. The gateway fetches it (SSRF-safe, `src/net/safe-fetch.ts`), checks it with the same rules as
 * dynamic registration, and caches it. Such clients are public: the draft forbids shared secrets, so
 * `token_endpoint_auth_method` must be `none` (the default) and `client_secret` must be absent.
 */

/** The draft's recommended cap on the document's size. */
export const CIMD_MAX_BYTES = 5 * 1024;
/** Cache bounds in seconds: never refetch more than once a minute, never trust a copy older than a day. */
export const CIMD_CACHE_FLOOR_SECONDS = 60;
export const CIMD_CACHE_CEILING_SECONDS = 24 * 60 * 60;
/** Used when the response has no `max-age`. */
export const CIMD_CACHE_DEFAULT_SECONDS = 5 * 60;
/** A document that failed is not fetched again for this long, so the gateway cannot be used to hammer a host. */
const FAILURE_CACHE_MS = 30_000;

/** Whether `clientId` names a metadata document (a URL) rather than a client registered here. */
export function isUrlClientId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

function refuse(clientId: string, problem: string): never {
  throw new InvalidClientError(`The client_id "${clientId.slice(0, 200)}" ${problem}.`);
}

/**
 * The draft's rules for the URL itself (§3): https, a path other than `/`, no `.`/`..` segments, no
 * fragment, no user information; with `allowLoopback` (dev only) http to a loopback host is accepted too.
 * And canonical form: no whitespace or control characters (WHATWG parsing drops tabs and newlines, so
 * such an id would be fetched as one URL yet logged and cached as another, forging log lines), nothing
 * `new URL(id).href` would change (case, default port, encoding), and no query string (the draft says
 * SHOULD NOT; a query would also give one document endless cache keys).
 */
export function validateClientIdUrl(clientId: string, allowLoopback: boolean): URL {
  // Refusals that must not echo the id: it may hold characters that break a log line or a page.
  if (clientId.length > 2000) throw new InvalidClientError('The client_id is longer than 2000 characters.');
  // eslint-disable-next-line no-control-regex -- finding control characters is this check's purpose
  if (/[\u0000-\u0020\u007f-\u00a0\u2028\u2029]/.test(clientId)) {
    throw new InvalidClientError('The client_id contains whitespace or control characters; a client ID metadata document URL cannot.');
  }
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    refuse(clientId, 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && !(allowLoopback && url.protocol === 'http:')) {
    refuse(clientId, 'is a URL but not an https URL; a client ID metadata document must be served over https');
  }
  if (clientId.includes('#')) refuse(clientId, 'contains a fragment');
  if (url.username || url.password || /^https?:\/\/[^/?]*@/i.test(clientId)) refuse(clientId, 'contains user information');
  if (clientId.includes('?')) refuse(clientId, 'contains a query string; a client ID metadata document URL must not have one');
  const rawPath = clientId.replace(/^https?:\/\/[^/?]*/i, '');
  if (rawPath === '' || rawPath === '/') refuse(clientId, 'has no path; the metadata document URL needs one');
  if (rawPath.split('/').some((s) => /^(\.|%2e){1,2}$/i.test(s))) refuse(clientId, 'contains a "." or ".." path segment');
  if (url.href !== clientId) refuse(clientId, `is not in canonical form; use exactly "${url.href.slice(0, 200)}"`);
  return url;
}

/** Seconds to cache a document for, from its `Cache-Control`, clamped to the floor and ceiling. */
export function cacheSeconds(cacheControl: string | undefined): number {
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl ?? '')?.[1];
  const wanted = /no-store|no-cache/i.test(cacheControl ?? '') ? 0 : maxAge !== undefined ? Number(maxAge) : CIMD_CACHE_DEFAULT_SECONDS;
  return Math.min(CIMD_CACHE_CEILING_SECONDS, Math.max(CIMD_CACHE_FLOOR_SECONDS, wanted));
}

export interface CimdOptions {
  allowLoopback: boolean;
  redirectUriAllowlist: readonly string[];
  clientNameAllowlist: readonly string[];
  /** DNS resolution for the fetcher; tests inject one, production uses the system resolver. */
  resolveHost?: ResolveHost;
  maxBytes?: number;
  cacheEntries?: number;
  now?: () => number;
  /** Where fetch failures are explained to the operator (the caller gets a generic message). */
  log?: (message: string) => void;
}

export interface CimdResolver {
  /** The client the document at `clientId` describes; throws `InvalidClientError` saying why it cannot be used. */
  resolve(clientId: string): Promise<RegisteredClient>;
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

async function fetchDocument(clientId: string, options: CimdOptions): Promise<{ document: unknown; ttlSeconds: number }> {
  let response;
  try {
    response = await safeFetch(clientId, {
      maxBytes: options.maxBytes ?? CIMD_MAX_BYTES,
      allowLoopback: options.allowLoopback,
      resolve: options.resolveHost,
    });
  } catch (error) {
    if (!(error instanceof SafeFetchError)) throw error;
    // Anonymous callers learn only that the fetch failed: telling "resolves to a private address" from
    // "could not be resolved" or "timed out" would let anyone map the gateway's network. The operator
    // gets the detail.
    options.log?.(`cimd: fetching the metadata document ${clientId} failed (${error.reason}): ${error.message}`);
    if (error.reason === 'too_large') refuse(clientId, `serves a document larger than ${options.maxBytes ?? CIMD_MAX_BYTES} bytes`);
    refuse(clientId, 'could not be fetched as a client ID metadata document (the host is not public, not reachable, or did not answer in time)');
  }
  if (response.status !== 200) refuse(clientId, `could not be fetched as a client ID metadata document: HTTP ${response.status}`);
  if (!isJson(response.headers['content-type'])) refuse(clientId, 'serves a document that is not JSON (Content-Type must be application/json)');
  try {
    return { document: JSON.parse(response.body.toString('utf8')), ttlSeconds: cacheSeconds(response.headers['cache-control']) };
  } catch {
    refuse(clientId, 'serves a document that is not valid JSON');
  }
}

function clientFromDocument(clientId: string, document: unknown, options: CimdOptions, now: number): RegisteredClient {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) refuse(clientId, 'serves a document that is not a JSON object');
  const fields = document as Record<string, unknown>;
  // Exact string comparison (the draft's rule): a document that names another client_id is not this client's.
  if (fields.client_id !== clientId) refuse(clientId, 'serves a metadata document whose client_id is not exactly its own URL');
  if ('client_secret' in fields || 'client_secret_expires_at' in fields)
    refuse(clientId, 'serves a metadata document with a client_secret, which the draft forbids');
  try {
    const metadata = parseClientMetadata(fields, {
      defaultAuthMethod: 'none',
      allowedAuthMethods: ['none'],
      redirectUriAllowlist: options.redirectUriAllowlist,
      clientNameAllowlist: options.clientNameAllowlist,
    });
    return { clientId, source: 'cimd', metadata, issuedAt: Math.floor(now / 1000) };
  } catch (error) {
    if (error instanceof OAuthError) refuse(clientId, `serves an invalid metadata document: ${error.description}`);
    throw error;
  }
}

/**
 * A resolver with bounded caches: good clients by `Cache-Control`; failures briefly, in a cache of their
 * own, so a flood of bad URLs cannot evict the clients in use. Concurrent resolves of one uncached URL
 * share one fetch.
 */
export function createCimdResolver(options: CimdOptions): CimdResolver {
  const now = options.now ?? Date.now;
  const entries = options.cacheEntries ?? 1000;
  const good = new LruCache<RegisteredClient>(entries, now);
  const failed = new LruCache<InvalidClientError>(entries, now);
  const inFlight = new Map<string, Promise<RegisteredClient>>();

  async function load(clientId: string): Promise<RegisteredClient> {
    try {
      const { document, ttlSeconds } = await fetchDocument(clientId, options);
      const client = clientFromDocument(clientId, document, options, now());
      good.set(clientId, client, ttlSeconds * 1000);
      return client;
    } catch (error) {
      if (error instanceof InvalidClientError) failed.set(clientId, error, FAILURE_CACHE_MS);
      throw error;
    } finally {
      inFlight.delete(clientId);
    }
  }

  return {
    async resolve(clientId) {
      // Validated before any cache: only canonical ids become cache keys.
      validateClientIdUrl(clientId, options.allowLoopback);
      const cached = good.get(clientId);
      if (cached) return cached;
      const failure = failed.get(clientId);
      if (failure) throw failure;
      let pending = inFlight.get(clientId);
      if (!pending) {
        pending = load(clientId);
        inFlight.set(clientId, pending);
      }
      return pending;
    },
  };
}
