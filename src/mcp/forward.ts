import { BadGatewayError } from './errors.js';

/**
 * One forwarded request to the MCP extension: the request body is passed to fetch as the bytes the
 * gateway already read (a POST, see `body.ts`) or as a stream (`duplex: 'half'`), and the reply body
 * is handed back as a stream that is read only as the client reads it. Cancelling that stream (the
 * host does when the client disconnects) aborts the upstream request, so an abandoned SSE session
 * does not hold the extension's.
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
  const abort = new AbortController();
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
      redirect: 'manual',
      signal: abort.signal,
    } as RequestInit);
  } catch {
    throw new BadGatewayError('The MCP server is not reachable right now; try again shortly.');
  }
  let body = upstream.body as ReadableStream<Uint8Array> | null;
  if (body && request.transform) body = body.pipeThrough(request.transform);
  return { status: upstream.status, headers: upstream.headers, body: body ? abortOnCancel(body, abort) : null };
}

/** A pass-through of `source` whose cancellation also aborts the upstream fetch. */
function abortOnCancel(source: ReadableStream<Uint8Array>, abort: AbortController): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        abort.abort();
        controller.error(error);
      }
    },
    async cancel(reason) {
      abort.abort(reason);
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}
