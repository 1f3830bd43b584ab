// A gateway on a faked `Date` for a whole test file. Apart from mcp-gateway-support.ts because it needs
// `@jest/globals`, which only loads under jest: the benchmarks (bench/) import that support module in plain Node.
import { jest } from '@jest/globals';
import { fakeDateOnly } from '../support/fake-date.js';
import { startGateway, type GatewayUnderTest } from './mcp-gateway-support.js';

/**
 * For a test file whose stack runs on a faked `Date` (see `fakeDateOnly`): starts the gateway before the
 * tests and stops it, and the fake clock, after them. Read `.gateway` inside tests.
 */
export function useGatewayOnFakeDate(): { gateway: GatewayUnderTest } {
  const state = {} as { gateway: GatewayUnderTest };
  beforeAll(async () => {
    fakeDateOnly();
    state.gateway = await startGateway();
  }, 60_000);
  afterAll(async () => {
    await state.gateway?.close();
    jest.useRealTimers();
  });
  return state;
}
