/**
 * MCP POST bodies are JSON-RPC messages: small. The gateway reads each one whole (once) to look at its
 * `tools/call`s (`step-up.ts`) and forwards the same bytes, so it holds at most this much per request.
 */
export const MAX_MCP_BODY_BYTES = 1024 * 1024;

/** A request body read up to the limit: whole, or (larger) a stream that replays what was read. */
export type BoundedBody = { kind: 'whole'; bytes: Uint8Array } | { kind: 'large'; stream: ReadableStream<Uint8Array> };

/**
 * Reads a request body whole when it is at most `limit` bytes. A larger one — a declared
 * `Content-Length` over the limit is not read at all — comes back as a stream of the bytes read so
 * far followed by the rest, to be forwarded unchecked: refusing it instead (413) would mean
 * answering before the body is consumed, which under the Functions host resets the proxied request
 * (the client sees a 502 or a reset connection). The tool still checks its own requirements.
 * `null` when there is no body.
 */
export async function readBoundedBody(
  body: ReadableStream<Uint8Array> | null,
  contentLength: string | null,
  limit: number = MAX_MCP_BODY_BYTES,
): Promise<BoundedBody | null> {
  if (!body) return null;
  if (contentLength !== null && Number(contentLength) > limit) return { kind: 'large', stream: body };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) return { kind: 'large', stream: replay(chunks, reader) };
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { kind: 'whole', bytes };
}

/** `read` first, then whatever `rest` still has; cancelling it cancels `rest`. */
function replay(read: Uint8Array[], rest: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next < read.length) {
        controller.enqueue(read[next]!);
        read[next++] = new Uint8Array(0); // let the chunk go once handed on
        return;
      }
      const { done, value } = await rest.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => rest.cancel(reason),
  });
}
