import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * Re-frames the legacy SSE stream from the extension to the client. Every event passes through
 * unchanged except `endpoint`, whose data (`message?azmcpcs=<state>&code=<key>`, relative to the
 * extension's URL) would send the client straight to `/runtime/webhooks/mcp` with the extension's key.
 * `rewriteEndpoint` turns it into a gateway URL. Parsing uses `eventsource-parser`, never a hand-rolled
 * line splitter, so multi-line data, CRLF and split chunks are handled as browsers handle them.
 */
export interface SseRewriteOptions {
  rewriteEndpoint: (data: string) => Promise<string>;
}

/** One SSE event in wire form; `data` may hold newlines, each becoming its own `data:` line. */
export function serialiseSseEvent(message: EventSourceMessage): string {
  let out = '';
  if (message.id !== undefined) out += `id: ${message.id}\n`;
  if (message.event !== undefined) out += `event: ${message.event}\n`;
  for (const line of message.data.split('\n')) out += `data: ${line}\n`;
  return out + '\n';
}

type Piece = { kind: 'event'; message: EventSourceMessage } | { kind: 'raw'; text: string };

export function createSseRewriter(options: SseRewriteOptions): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending: Piece[] = [];
  const parser = createParser({
    onEvent: (message) => pending.push({ kind: 'event', message }),
    onComment: (comment) => pending.push({ kind: 'raw', text: `: ${comment}\n\n` }),
    onRetry: (ms) => pending.push({ kind: 'raw', text: `retry: ${ms}\n\n` }),
  });

  async function flushPieces(controller: TransformStreamDefaultController<Uint8Array>): Promise<void> {
    const pieces = pending;
    pending = [];
    for (const piece of pieces) {
      if (piece.kind === 'raw') {
        controller.enqueue(encoder.encode(piece.text));
        continue;
      }
      const message = piece.message;
      const data = message.event === 'endpoint' ? await options.rewriteEndpoint(message.data) : message.data;
      controller.enqueue(encoder.encode(serialiseSseEvent({ ...message, data })));
    }
  }

  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      await flushPieces(controller);
    },
    async flush(controller) {
      parser.feed(decoder.decode());
      await flushPieces(controller);
    },
  });
}
