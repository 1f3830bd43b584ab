import { Worker } from 'node:worker_threads';
import { consoleLog, type LocalHost } from '../host/index.js';
import type { HostKeys } from '../host/keys.js';
import type { SharedClock } from './clock.js';
import type { InstanceMessage, ParentMessage } from './protocol.js';
import type { InstanceWorkerData } from './worker.js';

/** One instance's host as seen from the stack's thread (its `close` drains it, then ends the thread). */
export interface InstanceHost extends Pick<LocalHost, 'url' | 'port' | 'instanceId' | 'functions' | 'endStreams'> {
  close(): Promise<void>;
}

export interface StartInstancesOptions {
  count: number;
  appEntry: string;
  /** The settings every instance reads from its `process.env` (the same for all, as app settings are). */
  env: Record<string, string>;
  keys?: HostKeys;
  hostJsonPath?: string;
  clock: SharedClock;
  log?: (level: string, message: string) => void;
}

/** How long an instance may take to stop before its thread is terminated. */
const CLOSE_TIMEOUT_MS = 10_000;

/**
 * Starts `count` local Functions hosts, each in its own worker thread (its own module instances and
 * caches), on free loopback ports, then tells each where the others are (the legacy SSE relay).
 * On a failure, whatever started is stopped again.
 */
export async function startInstanceHosts(options: StartInstancesOptions): Promise<InstanceHost[]> {
  const started = await Promise.allSettled(Array.from({ length: options.count }, (_, i) => startInstance(options, i + 1)));
  const hosts = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(hosts.map((h) => h.close().catch(() => undefined)));
    throw failure.reason;
  }
  const peers = Object.fromEntries(hosts.map((h) => [h.instanceId, h.url]));
  for (const host of hosts) (host as InstanceHandle).post({ type: 'peers', peers });
  return hosts;
}

interface InstanceHandle extends InstanceHost {
  post(message: ParentMessage): void;
}

function startInstance(options: StartInstancesOptions, number: number): Promise<InstanceHandle> {
  const data: InstanceWorkerData = {
    appEntry: options.appEntry,
    port: 0,
    hostname: '127.0.0.1',
    hostJsonPath: options.hostJsonPath,
    keys: options.keys,
    clock: options.clock.buffer,
  };
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    workerData: data,
    env: { ...process.env, ...options.env },
    // Under jest the parent runs with --experimental-vm-modules; the instance is plain Node.
    execArgv: [],
  });
  const log = options.log ?? consoleLog;
  let closing: Promise<void> | undefined;
  let onClosed: ((error?: string) => void) | undefined;
  let onStreamsEnded: (() => void) | undefined;

  return new Promise<InstanceHandle>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`gateway instance ${number} stopped while starting (exit code ${code})`));
      onClosed?.();
    });
    worker.on('message', (message: InstanceMessage) => {
      if (message.type === 'log') log(message.level, `[instance ${number}] ${message.message}`);
      else if (message.type === 'failed') reject(new Error(`gateway instance ${number} could not start: ${message.error}`));
      else if (message.type === 'closed') onClosed?.(message.error);
      else if (message.type === 'streams-ended') onStreamsEnded?.();
      else if (message.type === 'ready') {
        resolve({
          url: message.url,
          port: message.port,
          instanceId: message.instanceId,
          functions: message.functions,
          post: (m) => worker.postMessage(m),
          endStreams: () =>
            new Promise<void>((done) => {
              onStreamsEnded = done;
              worker.postMessage({ type: 'end-streams' } satisfies ParentMessage);
            }),
          close: () => (closing ??= closeWorker()),
        });
      }
    });
  });

  function closeWorker(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => void worker.terminate().then(() => resolve()), CLOSE_TIMEOUT_MS);
      onClosed = (error) => {
        clearTimeout(timer);
        onClosed = undefined;
        void worker.terminate().then(() => (error ? reject(new Error(`gateway instance ${number}: ${error}`)) : resolve()));
      };
      worker.postMessage({ type: 'close' } satisfies ParentMessage);
    });
  }
}
