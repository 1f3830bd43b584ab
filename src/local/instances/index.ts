import { SharedClock } from './clock.js';
import { startFront, type Front } from './front.js';
import { startInstanceHosts, type InstanceHost, type StartInstancesOptions } from './hosts.js';

export { SharedClock } from './clock.js';
export { PIN_HEADER } from './front.js';
export type { InstanceHost } from './hosts.js';

/** Several gateway instances behind one round-robin front on the public port. */
export interface GatewayInstances {
  front: Front;
  hosts: InstanceHost[];
  /** Every instance's clock: `advance(ms)` moves them all (tests; `npm start` never moves it). */
  clock: SharedClock;
  close(): Promise<void>;
}

export interface GatewayInstancesOptions extends Omit<StartInstancesOptions, 'clock'> {
  /** The public port (the gateway's URL, the OAuth issuer). */
  port: number;
  clock?: SharedClock;
}

/**
 * Starts the instances, each a local Functions host in its own worker thread on its own free port, then
 * the front on the public port. Closing drains the front, then the instances.
 */
export async function startGatewayInstances(options: GatewayInstancesOptions): Promise<GatewayInstances> {
  const clock = options.clock ?? new SharedClock();
  const hosts = await startInstanceHosts({ ...options, clock });
  let front: Front;
  try {
    front = await startFront(
      options.port,
      '127.0.0.1',
      hosts.map((h) => h.url),
    );
  } catch (error) {
    await Promise.all(hosts.map((h) => h.close().catch(() => undefined)));
    throw error;
  }
  return {
    front,
    hosts,
    clock,
    // First the instances end their SSE streams (so the front's drain is not held by them), then the
    // front drains (requests in flight finish, new ones get 503), then each instance drains.
    close: async () => {
      await Promise.allSettled(hosts.map((h) => h.endStreams()));
      const results = await Promise.allSettled([front.close()]);
      results.push(...(await Promise.allSettled(hosts.map((h) => h.close()))));
      const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (errors.length > 0) throw new AggregateError(errors, 'a gateway instance did not stop cleanly');
    },
  };
}
