import { BadGatewayError } from './errors.js';

/**
 * One forwarded request to the MCP extension: the request body is passed to fetch as the bytes the
 * gateway already read (a POST, see `body.ts`) or as a stream (`duplex: 'half'`), and the reply body
 * is fetch's own stream (through `transform` when given), handed back without another copy and read
 * only as the client reads it. Cancelling it (the host does when the client disconnects) cancels
 * fetch's body, which aborts the upstream request, so an abandoned SSE session does not hold the
 * extension's. Connections come from fetch's global pool (kept alive), so a call costs no DNS lookup
 * or handshake once the pool is warm.
 */
export interface ForwardRequest {
  method: string;
  url: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | Uint8Array | null;
  /** Applied to the reply body (the SSE endpoint rewriting). */
  transform?: TransformStream<Uint8Array, Uint8Array>;
}

export interface ForwardedResponse {
  status: number;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
}

export async function forwardToExtension(request: ForwardRequest, fetchImpl: typeof fetch = fetch): Promise<ForwardedResponse> {
  const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
  const streamed = hasBody && !(request.body instanceof Uint8Array);
  let upstream: Response;
  try {
    upstream = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? request.body : undefined,
      // Node's fetch needs this to send a stream body; not in lib.dom's RequestInit type.
      ...(streamed ? { duplex: 'half' } : {}),
      // The extension never redirects; refusing one (502) also spares fetch a copy of the request
      // body, which it keeps for following redirects in every other mode.
      redirect: 'error',
    } as RequestInit);
  } catch {
    throw new BadGatewayError('The MCP server is not reachable right now; try again shortly.');
  }
  let body = upstream.body as ReadableStream<Uint8Array> | null;
  if (body && request.transform) body = body.pipeThrough(request.transform);
  return { status: upstream.status, headers: upstream.headers, body };
}
