import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BadGatewayError } from '../../src/mcp/errors.js';
import { forwardToExtension } from '../../src/mcp/forward.js';

/** A real upstream on loopback that streams events until its client goes away, and says when that happens. */
async function streamingUpstream() {
  let closed!: () => void;
  const clientGone = new Promise<void>((resolve) => (closed = resolve));
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: endpoint\ndata: message?x=1\n\n');
    const timer = setInterval(() => res.write(': keep-alive\n\n'), 20);
    res.on('close', () => {
      clearInterval(timer);
      closed();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sse`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, clientGone, close };
}

describe('forwarding to the extension', () => {
  test('the reply body is the upstream stream, read as the client reads it; cancelling it ends the upstream request', async () => {
    const upstream = await streamingUpstream();
    try {
      const reply = await forwardToExtension({ method: 'GET', url: upstream.url, headers: new Headers(), body: null });
      expect(reply.status).toBe(200);
      const reader = reply.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain('event: endpoint');
      await reader.cancel();
      await upstream.clientGone; // the extension's SSE session is not left open
    } finally {
      await upstream.close();
    }
  });

  test('with a transform (the SSE rewriting), cancelling the transformed body also ends the upstream request', async () => {
    const upstream = await streamingUpstream();
    try {
      const upper = new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => controller.enqueue(new TextEncoder().encode(new TextDecoder().decode(chunk).toUpperCase())),
      });
      const reply = await forwardToExtension({ method: 'GET', url: upstream.url, headers: new Headers(), body: null, transform: upper });
      const reader = reply.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain('EVENT: ENDPOINT');
      await reader.cancel();
      await upstream.clientGone;
    } finally {
      await upstream.close();
    }
  });

  test('a redirect from upstream is not followed or relayed: 502', async () => {
    const server = http.createServer((_req, res) => res.writeHead(302, { location: 'http://example.invalid/' }).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
      const body = new TextEncoder().encode('{}');
      await expect(forwardToExtension({ method: 'POST', url, headers: new Headers(), body })).rejects.toBeInstanceOf(BadGatewayError);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
