// One gateway instance: a local Functions host in its own worker thread, so it has its own copy of
// every module (the app, `@azure/functions`, the caches) as a separate Function instance would, while
// sharing the process with the Cosmos server and the emulators. Started by ./hosts.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { SharedClock, followSharedClock } from './clock.js';
import type { HostKeys } from '../host/keys.js';
import type { InstanceMessage, ParentMessage } from './protocol.js';

export interface InstanceWorkerData {
  appEntry: string;
  port: number;
  hostname: string;
  hostJsonPath?: string;
  keys?: HostKeys;
  clock: SharedArrayBuffer;
}

const data = workerData as InstanceWorkerData;
const port = parentPort!;
const send = (message: InstanceMessage) => port.postMessage(message);

// Before anything reads the time: the instance's clock is the shared one.
followSharedClock(new SharedClock(data.clock));
const { startLocalHost } = await import('../host/index.js');

const peers = new Map<string, string>();
try {
  const host = await startLocalHost({
    appEntry: data.appEntry,
    port: data.port,
    hostname: data.hostname,
    hostJsonPath: data.hostJsonPath,
    keys: data.keys,
    log: (level, message) => send({ type: 'log', level, message }),
    sseRelay: (instanceId) => peers.get(instanceId),
  });
  port.on('message', (message: ParentMessage) => {
    if (message.type === 'peers') {
      for (const [id, url] of Object.entries(message.peers)) peers.set(id, url);
    } else if (message.type === 'end-streams') {
      void host.endStreams().finally(() => send({ type: 'streams-ended' }));
    } else if (message.type === 'close') {
      host.close().then(
        () => send({ type: 'closed' }),
        (error: unknown) => send({ type: 'closed', error: String(error) }),
      );
    }
  });
  send({ type: 'ready', url: host.url, port: host.port, instanceId: host.instanceId, functions: host.functions });
} catch (error) {
  send({ type: 'failed', error: error instanceof Error ? `${error.message}${error.cause instanceof Error ? `\n${error.cause.message}` : ''}` : String(error) });
}
