// One in-process local stack per test file with only `Date` faked (timers, I/O and microtasks stay real),
// so the gateway, the emulators and the Cosmos server (which stamps `_ts`) share one clock that the test
// moves; and a Cosmos client on the stack's containers, to look at what was written.
import { CosmosClient } from '@azure/cosmos';
import { jest } from '@jest/globals';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../src/local/stack.js';
import { openContainers, type Containers } from '../../src/store/cosmos.js';
import { fakeDateOnly } from '../support/fake-date.js';

/** Every step of a sign-in on instance 1 (the only one here). */
export const ONE = { register: 1, authorize: 1, consent: 1, callback: 1, token: 1 };

export interface FakeDateStack {
  stack: LocalStack;
  containers: Containers;
  /** Moves the faked `Date` forward. */
  advance(ms: number): void;
}

/** Registers `beforeAll`/`afterAll`; the returned object is filled in once the stack runs. */
export function useFakeDateStack(options: LocalStackOptions = {}): FakeDateStack {
  let cosmos: CosmosClient | undefined;
  const handle = { advance: (ms: number) => jest.setSystemTime(Date.now() + ms) } as FakeDateStack;
  beforeAll(async () => {
    fakeDateOnly();
    handle.stack = await startLocalStack({ gatewayPort: 0, emulatorPorts: 'any', log: () => {}, ...options });
    const { COSMOS_ENDPOINT: endpoint, COSMOS_KEY: key, COSMOS_DATABASE: database } = handle.stack.env;
    cosmos = new CosmosClient({ endpoint: endpoint!, key: key!, connectionPolicy: { enableEndpointDiscovery: false } });
    handle.containers = openContainers(cosmos, database!);
  }, 60_000);
  afterAll(async () => {
    cosmos?.dispose();
    await handle.stack?.close();
    jest.useRealTimers();
  });
  return handle;
}
