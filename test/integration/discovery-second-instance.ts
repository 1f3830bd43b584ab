// Run as a separate `node` process by discovery.test.ts: a second gateway instance (as after a restart
// or on another Function instance) builds its deps from the same environment and looks a client up.
import { loadConfig } from '../../src/config/index.js';
import { buildDeps } from '../../src/deps.js';

const clientId = process.argv[2] ?? '';
const client = await buildDeps(loadConfig()).clients.getClient(clientId);
process.stdout.write(JSON.stringify(client ?? null));
process.exit(0);
