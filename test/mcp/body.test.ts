import { MAX_MCP_BODY_BYTES, readBoundedBody, type BoundedBody } from '../../src/mcp/body.js';

/** A stream of the given chunks that records how far it was read. */
function source(chunks: Uint8Array[]) {
  const seen = { pulls: 0 };
  let next = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulls++;
        if (next < chunks.length) controller.enqueue(chunks[next++]!);
        else controller.close();
      },
    },
    // Nothing is pulled until the reader asks.
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function drain(read: BoundedBody | null): Promise<Uint8Array> {
  if (read?.kind !== 'large') throw new Error(`expected a large body, got ${read?.kind}`);
  return new Uint8Array(await new Response(read.stream).arrayBuffer());
}

describe('mcp body: one bounded read', () => {
  test('no body is null', async () => {
    expect(await readBoundedBody(null, null)).toBeNull();
  });

  test('chunks are joined in order', async () => {
    const { stream } = source([new TextEncoder().encode('{"a":'), new TextEncoder().encode('1}')]);
    const read = await readBoundedBody(stream, null);
    expect(read?.kind).toBe('whole');
    expect(text((read as { bytes: Uint8Array }).bytes)).toBe('{"a":1}');
  });

  test('exactly the limit is read whole', async () => {
    const { stream } = source([bytes(600), bytes(400)]);
    const read = await readBoundedBody(stream, '1000', 1000);
    expect(read?.kind === 'whole' && read.bytes.byteLength).toBe(1000);
  });

  test('a chunked body over the limit: reading stops there, and the stream replays every byte in order', async () => {
    const { stream, seen } = source([bytes(600, 0x61), bytes(600, 0x62), bytes(600, 0x63)]);
    const read = await readBoundedBody(stream, null, 1000);
    expect(seen.pulls).toBe(2);
    const all = await drain(read);
    expect(text(all)).toBe('a'.repeat(600) + 'b'.repeat(600) + 'c'.repeat(600));
  });

  test('a declared Content-Length over the limit is not read at all', async () => {
    const { stream, seen } = source([bytes(10)]);
    const read = await readBoundedBody(stream, String(MAX_MCP_BODY_BYTES + 1));
    expect(seen.pulls).toBe(0);
    expect((await drain(read)).byteLength).toBe(10);
  });

  test('a Content-Length that understates the body does not lift the limit', async () => {
    const { stream } = source([bytes(800), bytes(800)]);
    expect((await readBoundedBody(stream, '10', 1000))?.kind).toBe('large');
  });
});
