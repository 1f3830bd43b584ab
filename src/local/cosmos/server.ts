import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@zeit/cosmosdb-server';

export interface LocalCosmos {
  /** Endpoint for COSMOS_ENDPOINT; any COSMOS_KEY is accepted. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts the in-process Cosmos DB API server (`@zeit/cosmosdb-server`) on loopback, over plain HTTP so
 * that no certificate check needs turning off. Data lives in memory for the life of the process.
 * It has no TTL: the gateway enforces expiry in code anyway.
 */
export async function startLocalCosmos(port = 0, host = '127.0.0.1'): Promise<LocalCosmos> {
  const server = createHttpServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${actual}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
