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

/**
 * The SSE events of `source` re-framed, the endpoint event rewritten: one chunk out per chunk in that
 * completes at least one event (nothing for a chunk that ends mid-event). A rewrite that throws ends
 * the stream with that error rather than letting the extension's endpoint through.
 */
export async function* rewriteSse(source: AsyncIterable<Uint8Array>, options: SseRewriteOptions): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder();
  const pieces: Array<EventSourceMessage | string> = [];
  const parser = createParser({
    onEvent: (message) => pieces.push(message),
    onComment: (comment) => pieces.push(`: ${comment}\n\n`),
    onRetry: (ms) => pieces.push(`retry: ${ms}\n\n`),
  });
  const drain = async (): Promise<Uint8Array | undefined> => {
    let out = '';
    for (const piece of pieces.splice(0)) {
      if (typeof piece === 'string') out += piece;
      else out += serialiseSseEvent(piece.event === 'endpoint' ? { ...piece, data: await options.rewriteEndpoint(piece.data) } : piece);
    }
    return out ? Buffer.from(out) : undefined;
  };
  for await (const chunk of source) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    const out = await drain();
    if (out) yield out;
  }
  parser.feed(decoder.decode());
  const out = await drain();
  if (out) yield out;
}
