import { createServer } from 'node:net';
import { ephemeralPortsStart, isPortFree, reservedPort } from '../../src/local/ports.js';

describe('a port for a server whose URL is known before it listens', () => {
  test("comes from below the kernel's ephemeral range, is free, and can be listened on", async () => {
    const top = ephemeralPortsStart();
    const ports = await Promise.all(Array.from({ length: 5 }, () => reservedPort()));
    for (const port of ports) {
      // Inside the ephemeral range, any listen(0) or outgoing connection started meanwhile could take it.
      expect(port).toBeLessThan(top);
      expect(port).toBeGreaterThanOrEqual(1024);
    }
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(ports[0], '127.0.0.1', () => resolve());
    });
    try {
      expect(await isPortFree(ports[0]!)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await isPortFree(ports[0]!)).toBe(true);
  });
});
