import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@zeit/cosmosdb-server';
import { startCosmosFront, type CosmosFaults } from './faults.js';

export interface LocalCosmos {
  /** Endpoint for COSMOS_ENDPOINT; any COSMOS_KEY is accepted. */
  endpoint: string;
  /** Outages and throttling, for the reliability tests (see ./faults.ts). */
  faults: CosmosFaults;
  close(): Promise<void>;
}

/**
 * Starts the in-process Cosmos DB API server (`@zeit/cosmosdb-server`) on loopback, over plain HTTP so
 * that no certificate check needs turning off. Data lives in memory for the life of the process.
 * It has no TTL: the gateway enforces expiry in code anyway (the local stack's sweeper collects).
 * The server listens on a private port; `endpoint` is a pass-through in front of it that a test can stop
 * and start again with the data kept (./faults.ts).
 */
export async function startLocalCosmos(port = 0, host = '127.0.0.1'): Promise<LocalCosmos> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
  const { port: inner } = server.address() as AddressInfo;
  let front;
  try {
    front = await startCosmosFront(port, host, `http://${host}:${inner}/`);
  } catch (error) {
    await closeServer();
    throw error;
  }
  return {
    endpoint: front.endpoint,
    faults: front,
    close: async () => {
      await front.close();
      await closeServer();
    },
  };
}
