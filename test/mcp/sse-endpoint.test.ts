import { randomBytes } from 'node:crypto';
import { rewriteEndpointData, upstreamMessageQuery, type EndpointContext } from '../../src/mcp/sse-endpoint.js';
import { guardStream } from '../../src/mcp/stream-guard.js';

const ring = [{ kid: 'k1', key: new Uint8Array(randomBytes(32)) }];
const context: EndpointContext = {
  ring,
  upstreamSseUrl: 'http://localhost:7071/runtime/webhooks/mcp/sse',
  upstreamMessageUrl: 'http://localhost:7071/runtime/webhooks/mcp/message',
  owner: 'grant:g1',
  expiresAtSeconds: Math.floor(Date.now() / 1000) + 600,
};

describe('mcp sse endpoint: the message URL the client gets', () => {
  test('points at /mcp/message, without the key, and opens to the extension query for the same owner only', async () => {
    const rewritten = await rewriteEndpointData('message?azmcpcs=STATE&code=THE-KEY', context);
    expect(rewritten).toMatch(/^\/mcp\/message\?session=[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(rewritten).not.toContain('THE-KEY');
    expect(rewritten).not.toContain('STATE');
    const sealed = new URL(rewritten, 'http://x').searchParams.get('session');
    expect(await upstreamMessageQuery(ring, sealed, 'grant:g1', Date.now())).toBe('azmcpcs=STATE');
    expect(await upstreamMessageQuery(ring, sealed, 'grant:g2', Date.now())).toBeUndefined();
    expect(await upstreamMessageQuery(ring, sealed, 'grant:g1', (context.expiresAtSeconds + 60) * 1000)).toBeUndefined();
    expect(await upstreamMessageQuery(ring, `${sealed}x`, 'grant:g1', Date.now())).toBeUndefined();
    expect(await upstreamMessageQuery(ring, null, 'grant:g1', Date.now())).toBeUndefined();
  });

  test('an endpoint anywhere but the extension message URL is refused', async () => {
    for (const data of ['http://evil.example/message?x=1', '../other?x=1', '/runtime/webhooks/mcp/sse?x=1']) {
      await expect(rewriteEndpointData(data, context)).rejects.toThrow('unexpected message endpoint');
    }
  });
});

describe('mcp stream guard: a revoked session loses its open stream', () => {
  test('the stream ends once the session is no longer authorised', async () => {
    const source = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('event: message\n\n')) }); // never closes
    let authorised = true;
    let cancelled = false;
    const upstream = source.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: () => undefined }));
    const guarded = guardStream(
      new ReadableStream<Uint8Array>({
        pull: async (c) => {
          const reader = upstream.getReader();
          const { value } = await reader.read();
          reader.releaseLock();
          if (value) c.enqueue(value);
        },
        cancel: () => {
          cancelled = true;
        },
      }),
      { stillAuthorised: async () => authorised, intervalMs: 5 },
    );
    const reader = guarded.getReader();
    expect((await reader.read()).value).toBeDefined();
    authorised = false;
    expect((await reader.read()).done).toBe(true);
    expect(cancelled).toBe(true);
  });
});
