import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Default ports of the local stack, shared by `npm start` / `npm run emulators`, `local.settings.sample.json`
 * and `docs/deploy.md`. The gateway's 7071 is the Functions host's own default (`func start`), so the same
 * `local.settings.json` works under Core Tools and under the local host. The emulators sit right after it;
 * 8081 is the port the Cosmos DB emulator has always used. When a port is taken, the local stack picks a free
 * one and prints it: these are defaults, not promises.
 */
export const DEFAULT_PORTS = {
  gateway: 7071,
  entra: 7072,
  graph: 7073,
  managedIdentity: 7074,
  cosmos: 8081,
} as const;

/** Whether nothing listens on the port on loopback (IPv4, and IPv6 where the machine has it). */
export async function isPortFree(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', '::1']) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE'));
      probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** Where the kernel's ephemeral ports start (Linux's default 32768, also below IANA's 49152 elsewhere). */
export function ephemeralPortsStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 0) return low;
  } catch {
    // not Linux: the default below
  }
  return 32768;
}

const RANGE = 10_000;

/**
 * A free port for a server whose URL must be known before it listens (the gateway's: it is the OAuth
 * issuer, and the app reads it at import, seconds before the host listens). Taken from just below the
 * kernel's ephemeral range: `listen(0)` and every outgoing connection take their ports inside that
 * range, so nothing started meanwhile (another test's servers, the emulators, connections) lands on
 * it, as a port picked by `listen(0)` and released could be.
 */
export async function reservedPort(): Promise<number> {
  const top = ephemeralPortsStart();
  const bottom = Math.max(1024, top - RANGE);
  for (let attempt = 0; attempt < 50 && top - bottom > 100; attempt++) {
    const port = bottom + Math.floor(Math.random() * (top - bottom));
    if (await isPortFree(port)) return port;
  }
  return anyFreePort(); // a crowded or unusual range: what the kernel hands out
}

async function anyFreePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The first of `preferred` that is free (the last run's port, the default), or any free one. */
export async function onPreferredPort<T>(preferred: number | number[], start: (port: number) => Promise<T>): Promise<T> {
  for (const port of [preferred].flat()) {
    if (!(await isPortFree(port))) continue;
    try {
      return await start(port);
    } catch (err) {
      // Lost a race for the port between the check and the listen: try the next.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  return start(0);
}

/** The gateway's port is a promise (its URL is the OAuth issuer): taken means a clear error, not another port. */
export async function resolveGatewayPort(requested: number | undefined, emulatorsOnly: boolean): Promise<number> {
  const fromEnv = process.env.PORT?.trim();
  const port = requested ?? (fromEnv ? Number(fromEnv) : DEFAULT_PORTS.gateway);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0-65535), got "${fromEnv}".`);
  }
  if (port === 0) return reservedPort();
  if (!emulatorsOnly && !(await isPortFree(port))) {
    throw new Error(`Port ${port} is already in use. Stop what listens there, or set PORT to another port.`);
  }
  return port;
}
