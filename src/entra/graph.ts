/**
 * A small Microsoft Graph client for the tools: GET a path under GRAPH_BASE_URL with a delegated
 * token, Graph's error body turned into `GraphRequestError`, throttling handled as Graph asks
 * (honour `Retry-After`). Only GRAPH_BASE_URL's origin is ever contacted, and redirects are not
 * followed, so a Graph token cannot be sent anywhere else.
 */

import { observeGraph } from '../observability/metrics.js';

/** Microsoft Graph's application id; the same in every cloud. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * The fully qualified delegated scope for `permission` (e.g. `User.Read`). Always Graph's application-id
 * form (`00000003-…/User.Read`): Entra resolves it in every cloud (Graph has the same app id in the
 * national clouds), so the local stack and Azure send the very same scope string, whatever
 * GRAPH_BASE_URL points at.
 */
export function graphScope(permission: string): string {
  return `${GRAPH_APP_ID}/${permission}`;
}

/** A Graph error response, or no response at all (`status` 0). Holds no token. */
export class GraphRequestError extends Error {
  override readonly name = 'GraphRequestError';
  constructor(
    readonly status: number,
    /** Graph's `error.code` (`Authorization_RequestDenied`, `TooManyRequests`, …), or a local one. */
    readonly code: string,
    message: string,
    /** From `Retry-After` (429/503), in seconds. */
    readonly retryAfterSeconds?: number,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export interface GraphClientOptions {
  baseUrl: string;
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Waits before the one throttling retry; injectable so unit tests need not wait. */
  wait?: (ms: number) => Promise<void>;
  /** A `Retry-After` longer than this is not waited for: the caller is told when to try again. */
  maxRetryWaitMs?: number;
  timeoutMs?: number;
}

export interface GraphClient {
  /** GET `{baseUrl}{path}` (path starts with `/v1.0/`); throws `GraphRequestError`. */
  get<T>(path: string, accessToken: string): Promise<T>;
  /** POST a JSON body (Graph actions such as `checkMemberGroups`); otherwise as `get`. */
  post<T>(path: string, body: unknown, accessToken: string): Promise<T>;
}

/** Long enough to ride out a short throttle, short enough to stay well inside a tool call. */
export const MAX_RETRY_WAIT_MS = 5_000;
const RETRYABLE = new Set([429, 503, 504]);

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const base = new URL(options.baseUrl);
  const fetchFn = options.fetch ?? fetch;
  const wait = options.wait ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxWait = options.maxRetryWaitMs ?? MAX_RETRY_WAIT_MS;

  async function once(url: URL, accessToken: string, body?: unknown): Promise<Response> {
    try {
      return await fetchFn(url.toString(), {
        ...(body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }),
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const timedOut = (err as { name?: string }).name === 'TimeoutError';
      throw new GraphRequestError(
        0,
        timedOut ? 'timeout' : 'network_error',
        timedOut ? 'Microsoft Graph did not answer in time.' : 'Microsoft Graph could not be reached.',
      );
    }
  }

  async function request<T>(path: string, accessToken: string, body?: unknown): Promise<T> {
    const url = new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base);
    if (url.origin !== base.origin) throw new TypeError('Graph paths must stay on GRAPH_BASE_URL');
    let response = await once(url, accessToken, body);
    if (RETRYABLE.has(response.status)) {
      const seconds = retryAfterSeconds(response.headers.get('retry-after'));
      // Retry once, and only when Graph said how long to wait and that wait is short.
      if (seconds !== undefined && seconds * 1000 <= maxWait) {
        await response.body?.cancel();
        await wait(seconds * 1000);
        response = await once(url, accessToken, body);
      }
    }
    if (response.ok) return (await response.json()) as T;
    throw await errorFrom(response);
  }

  return {
    get: (path, accessToken) => observeGraph('GET', path, () => request(path, accessToken)),
    post: (path, body, accessToken) => observeGraph('POST', path, () => request(path, accessToken, body)),
  };
}

/** `Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

async function errorFrom(response: Response): Promise<GraphRequestError> {
  let code = `http_${response.status}`;
  let message = `Microsoft Graph answered HTTP ${response.status}.`;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // Not Graph's JSON error body (a gateway in between); the status says enough.
  }
  return new GraphRequestError(
    response.status,
    code,
    message,
    retryAfterSeconds(response.headers.get('retry-after')),
    response.headers.get('request-id') ?? undefined,
  );
}
