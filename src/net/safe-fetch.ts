import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isAllowedAddress, isLoopbackAddress } from './address-policy.js';

/**
 * GET of a URL chosen by someone else (a client ID metadata document), safe against SSRF:
 * - https only (http only to loopback, and only with `allowLoopback`, for the local stack);
 * - the host name is resolved once, every address it resolves to must be public, and the connection
 *   is pinned to the checked address through a custom `lookup`, so a second DNS answer (rebinding)
 *   can never redirect it; an IP literal is checked before any connection;
 * - redirects are not followed (a 3xx is an error), so the check cannot be bypassed by a Location;
 * - the body is cut off at `maxBytes` while streaming, and connect/total timeouts bound the time.
 */

export type SafeFetchFailure = 'url' | 'address' | 'dns' | 'redirect' | 'too_large' | 'timeout' | 'network';

export class SafeFetchError extends Error {
  override readonly name = 'SafeFetchError';
  constructor(
    readonly reason: SafeFetchFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses; injectable so tests never depend on real DNS. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: ResolveHost = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export interface SafeFetchOptions {
  maxBytes: number;
  allowLoopback?: boolean;
  connectTimeoutMs?: number;
  totalTimeoutMs?: number;
  headers?: Record<string, string>;
  resolve?: ResolveHost;
}

export interface SafeFetchResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function parseTarget(raw: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SafeFetchError('url', 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowLoopback)) {
    throw new SafeFetchError('url', 'must use https');
  }
  if (url.username || url.password) throw new SafeFetchError('url', 'must not contain user information');
  return url;
}

/** The one address the request will connect to, after checking every address the name has. */
async function resolveTarget(url: URL, options: SafeFetchOptions): Promise<ResolvedAddress> {
  const allowLoopback = options.allowLoopback ?? false;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch {
      throw new SafeFetchError('dns', `host "${host}" could not be resolved`);
    }
  }
  if (addresses.length === 0) throw new SafeFetchError('dns', `host "${host}" has no addresses`);
  // All must pass, not just the first: a name with one public and one private address is an attack.
  const refused = addresses.find((a) => !isAllowedAddress(a.address, allowLoopback));
  if (refused) throw new SafeFetchError('address', `host "${host}" resolves to a private, loopback or reserved address (${refused.address})`);
  const target = addresses[0]!;
  if (url.protocol === 'http:' && !isLoopbackAddress(target.address)) {
    throw new SafeFetchError('url', 'must use https (http only to loopback)');
  }
  return target;
}

/** A `lookup` that answers every query with the address already checked (pinning). */
function pinnedLookup(target: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
}

function readLimited(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
      response.destroy();
      return reject(new SafeFetchError('too_large', `the response is larger than ${maxBytes} bytes`));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        reject(new SafeFetchError('too_large', `the response is larger than ${maxBytes} bytes`));
      } else chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', (error) => reject(error instanceof SafeFetchError ? error : new SafeFetchError('network', 'the response was cut off')));
  });
}

function send(url: URL, target: ResolvedAddress, options: SafeFetchOptions): Promise<SafeFetchResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'GET',
      headers: { Accept: 'application/json', ...options.headers },
      lookup: pinnedLookup(target),
      agent: false, // a fresh connection per fetch: a pooled socket could belong to another resolution
      timeout: options.connectTimeoutMs ?? 3000,
    });
    const total = setTimeout(() => request.destroy(new SafeFetchError('timeout', 'the server took too long to answer')), options.totalTimeoutMs ?? 5000);
    const fail = (error: unknown) => {
      clearTimeout(total);
      reject(error instanceof SafeFetchError ? error : new SafeFetchError('network', 'the connection failed'));
    };
    request.on('timeout', () => request.destroy(new SafeFetchError('timeout', 'the server did not respond in time')));
    request.on('error', fail);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        response.destroy();
        return fail(new SafeFetchError('redirect', `the server answered with a redirect (HTTP ${status}), which is not followed`));
      }
      readLimited(response, options.maxBytes).then((body) => {
        clearTimeout(total);
        resolve({ status, headers: response.headers, body });
      }, fail);
    });
    request.end();
  });
}

/** Fetches `url` under the rules above. Throws `SafeFetchError` with the reason; never follows redirects. */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeFetchResponse> {
  const target = parseTarget(url, options.allowLoopback ?? false);
  return send(target, await resolveTarget(target, options), options);
}
