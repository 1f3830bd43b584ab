import { execFileSync } from 'node:child_process';
import type { LocalHost } from '../../../src/local/host/index.js';
import { startFixtureHost } from './helpers.js';

// A burst of new connections while the host's event loop is busy (the load benchmark: 500 clients at
// once, each gateway call also opening a forward to the extension) must wait in the accept queue, not
// be dropped: a dropped SYN is retried only after 1, 3, 7, 15, 31 s, which left requests stuck for a
// minute. Here the event loop is really blocked (execFileSync) while a child process opens more
// connections than Node's default backlog (511) holds; the kernel completes each handshake only while
// the queue has room.
const CONNECTIONS = 700;

const child = `
const net = require('node:net');
let connected = 0;
const sockets = [];
const done = () => { process.stdout.write(String(connected)); sockets.forEach((s) => s.destroy()); process.exit(0); };
// Bounds only the failing case: a dropped SYN is not retried within this time, and the host stays blocked.
const bound = setTimeout(done, 4000);
for (let i = 0; i < ${CONNECTIONS}; i++) {
  const socket = net.connect(Number(process.argv[1]), '127.0.0.1', () => { if (++connected === ${CONNECTIONS}) { clearTimeout(bound); done(); } });
  socket.on('error', () => undefined);
  sockets.push(socket);
}
`;

describe('local host: accept queue', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startFixtureHost();
  });
  afterAll(() => host.close());

  test('a burst of new connections larger than Node’s default backlog is queued while the host is busy', () => {
    const connected = Number(execFileSync(process.execPath, ['-e', child, String(host.port)], { encoding: 'utf8' }));
    expect(connected).toBe(CONNECTIONS);
  });
});
