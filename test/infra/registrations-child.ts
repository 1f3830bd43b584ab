// Run by package.test.ts in a fresh process: loads one app entry through the local Functions host's
// loader (the stand-in `@azure/functions-core` captures what the app registers, as the worker does) and
// prints the registrations as JSON. One process per entry, because a process loads an app only once.
import { loadApp } from '../../src/local/host/app-loader.js';

const entry = process.argv[2];
if (!entry) throw new Error('usage: registrations-child.js <app entry>');
const app = await loadApp(entry);
const registrations = app.functions.map((f) => f.metadata);
process.stdout.write(`REGISTRATIONS=${JSON.stringify({ model: app.model.name, streams: app.httpProxyUri !== undefined, registrations })}\n`);
