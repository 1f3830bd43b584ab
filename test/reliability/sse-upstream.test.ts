import http from 'node:http';
import type { Socket } from 'node:net';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { freePort } from '../support/stack-process.js';
import { signInSplit } from './instances-support.js';

// Its own file: the in-process local host loads the app once per process, with one stack's settings.
// The gateway reaches the MCP extension through a pass-through the test owns, so the test can make the
// upstream die abruptly (every connection destroyed), as when the extension's host crashes.
const ONE = { register: 1, authorize: 1, consent: 1, callback: 1, token: 1 };

let stack: LocalStack;
let upstream: http.Server;
const sockets = new Set<Socket>();
beforeAll(async () => {
  const gatewayPort = await freePort();
  upstream = http.createServer((req, res) => {
    const hop = http.request({ host: '127.0.0.1', port: gatewayPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
    });
    hop.on('error', () => res.destroy());
    req.pipe(hop);
  });
  upstream.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  const { port } = upstream.address() as { port: number };
  stack = await startLocalStack({
    gatewayPort,
    emulatorPorts: 'any',
    log: () => {},
    env: { MCP_EXTENSION_URL: `http://127.0.0.1:${port}/runtime/webhooks/mcp` },
  });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

/** Opens the gateway's SSE stream and reads up to its endpoint event. */
async function openStream(): Promise<ReadableStreamDefaultReader<string>> {
  const { accessToken } = await signInSplit(stack, ONE);
  const response = await fetch(stack.urls.mcpSse, { headers: { accept: 'text/event-stream', authorization: `Bearer ${accessToken}` } });
  expect(response.status).toBe(200);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = '';
  while (!seen.includes('event: endpoint')) seen += (await reader.read()).value ?? '';
  return reader;
}

describe('an open SSE stream whose upstream goes away', () => {
  test('the extension ends the stream: the client sees a clean end (no reset, no hang)', async () => {
    const reader = await openStream();
    await stack.host!.endStreams();
    for (;;) {
      const { done } = await reader.read(); // rejects if the stream was cut instead of ended
      if (done) break;
    }
  });

  test('the upstream connection dies: the client sees a clean end too (no reset, no hang), and the next GET answers again', async () => {
    const reader = await openStream();
    for (const socket of sockets) socket.destroy();
    for (;;) {
      const { done } = await reader.read(); // rejects if the stream was cut instead of ended
      if (done) break;
    }
    const again = await openStream();
    await again.cancel();
  });
});
