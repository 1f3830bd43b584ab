// Run as a separate `node` process by not-ready.test.ts: the local Functions host serving the real app
// (dist/src/index.js) with the environment it was started with, as the Functions worker would load it after
// a start or a restart. Prints one line `LISTENING <url> <functions as JSON>` once it serves; stops on SIGTERM.
import { fileURLToPath } from 'node:url';
import { startLocalHost } from '../../src/local/host/index.js';

const appEntry = fileURLToPath(new URL('../../src/index.js', import.meta.url));
const host = await startLocalHost({
  appEntry,
  port: Number(process.env.PORT),
  hostname: '127.0.0.1',
  log: (level, message) => process.stderr.write(`[${level}] ${message}\n`),
});
process.stdout.write(`LISTENING ${host.url} ${JSON.stringify(host.functions)}\n`);
process.once('SIGTERM', () => {
  void host.close().then(() => process.exit(0));
});
