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
  test('the reply body is the upstream response, read as the client reads it; destroying it ends the upstream request', async () => {
    const upstream = await streamingUpstream();
    try {
      const reply = await forwardToExtension({ method: 'GET', url: upstream.url, headers: {}, body: null });
      expect(reply.status).toBe(200);
      const first = await reply.body[Symbol.asyncIterator]().next();
      expect(String(first.value)).toContain('event: endpoint');
      reply.body.destroy(); // what the SSE guard does when the session ends or the reader stops
      await upstream.clientGone; // the extension's SSE session is not left open
    } finally {
      await upstream.close();
    }
  });

  test('a reader that stops iterating the reply also ends the upstream request', async () => {
    const upstream = await streamingUpstream();
    try {
      const reply = await forwardToExtension({ method: 'GET', url: upstream.url, headers: {}, body: null });
      for await (const chunk of reply.body) {
        expect(String(chunk)).toContain('event: endpoint');
        break;
      }
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
      await expect(forwardToExtension({ method: 'POST', url, headers: {}, body })).rejects.toBeInstanceOf(BadGatewayError);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('calls reuse one kept-alive connection, and each body arrives whole with its length', async () => {
    let connections = 0;
    const received: Array<{ length: string | undefined; body: string }> = [];
    const server = http.createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      received.push({ length: req.headers['content-length'], body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
      for (let i = 0; i < 5; i++) {
        const reply = await forwardToExtension({
          method: 'POST',
          url,
          headers: { 'content-type': 'application/json' },
          body: new TextEncoder().encode(`{"n":${i}}`),
        });
        let text = '';
        for await (const chunk of reply.body) text += chunk;
        expect(text).toBe('{"ok":true}');
      }
      expect(received).toEqual([0, 1, 2, 3, 4].map((i) => ({ length: String(`{"n":${i}}`.length), body: `{"n":${i}}` })));
      expect(connections).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('a streamed body (larger than the gateway reads whole) is sent in full', async () => {
    let received = 0;
    const server = http.createServer(async (req, res) => {
      for await (const chunk of req) received += (chunk as Buffer).byteLength;
      res.writeHead(202).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
      const chunk = new Uint8Array(64 * 1024).fill(0x20);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 40) return controller.close();
          sent++;
          controller.enqueue(chunk);
        },
      });
      const reply = await forwardToExtension({ method: 'POST', url, headers: {}, body });
      expect(reply.status).toBe(202);
      expect(received).toBe(40 * 64 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('an extension that is not listening is a 502, not a crash', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(forwardToExtension({ method: 'GET', url, headers: {}, body: null })).rejects.toBeInstanceOf(BadGatewayError);
  });
});
