import type { ConfidentialClientApplication, ICachePlugin, INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { Config } from '../config/index.js';
import { fetchAuthorityMetadata, type FetchLike } from './authority.js';
import { clientCredential, type CredentialDeps } from './credentials.js';
import { onceSucceeded } from '../lib/once.js';

export interface ConfidentialClientOptions extends CredentialDeps {
  fetch?: FetchLike;
  cachePlugin?: ICachePlugin;
}

/**
 * Builds the gateway's MSAL `ConfidentialClientApplication` (code redemption, refresh, OBO).
 *
 * How MSAL reaches the authority, in Azure and on the local stack alike (one code path, configuration only):
 * 1. We fetch the tenant's v2 discovery document ourselves from ENTRA_AUTHORITY_HOST and hand it to MSAL as
 *    `authorityMetadata`, with the host in `knownAuthorities`, so MSAL does no instance or endpoint discovery
 *    of its own. It then calls exactly the endpoints of that document (which we check are on that host).
 * 2. MSAL insists that the *authority string* is https, but with the metadata given it only uses the string
 *    as an identifier (cache environment, tenant); it never connects to it. So the authority is always
 *    `https://{host of ENTRA_AUTHORITY_HOST}/{tenant}`: identical to the configured value in Azure, and for
 *    the emulator (http://localhost:PORT) a name MSAL accepts, while the endpoints stay plain http and the
 *    sign-in page opens in a browser without certificate warnings.
 * 3. MSAL's network client is replaced by one that refuses any origin but the authority host's.
 */
export async function createConfidentialClient(config: Config, options: ConfidentialClientOptions = {}): Promise<ConfidentialClientApplication> {
  const { authorityHost, tenantId, clientId } = config.entra;
  const fetchFn = options.fetch ?? fetch;
  // Loaded on first use (the first sign-in or tool call), not at start-up: MSAL is large.
  const { ConfidentialClientApplication, LogLevel } = await import('@azure/msal-node');
  const metadata = await fetchAuthorityMetadata(authorityHost, tenantId, fetchFn);
  const host = new URL(authorityHost).host;
  return new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: `https://${host}/${tenantId}`,
      knownAuthorities: [host],
      authorityMetadata: JSON.stringify(metadata),
      ...clientCredential(config, options),
    },
    cache: options.cachePlugin ? { cachePlugin: options.cachePlugin } : undefined,
    system: {
      networkClient: authorityOnlyNetwork(new URL(authorityHost).origin, fetchFn),
      loggerOptions: { logLevel: LogLevel.Warning, piiLoggingEnabled: false },
    },
  });
}

/**
 * Memoizes the client for the life of the process, but not a failure: if Entra cannot be reached at the
 * first request (cold start during an outage), the next request tries again.
 */
export function lazyConfidentialClient(config: Config, options: ConfidentialClientOptions = {}): () => Promise<ConfidentialClientApplication> {
  return onceSucceeded(() => createConfidentialClient(config, options));
}

/** MSAL's network module: plain fetch, only to the authority's origin, never following redirects. */
export function authorityOnlyNetwork(origin: string, fetchFn: FetchLike): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> => {
    if (new URL(url).origin !== origin) throw new Error(`Refusing to contact ${new URL(url).origin}: only the Entra authority ${origin} is allowed.`);
    const response = await fetchFn(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      redirect: 'error',
      signal: AbortSignal.timeout(timeout ?? 30_000),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { headers, body: (await response.json()) as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
