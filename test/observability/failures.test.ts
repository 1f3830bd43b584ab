import { CosmosClient } from '@azure/cosmos';
import { describeFailure } from '../../src/observability/failures.js';
import { startLocalCosmos } from '../../src/local/cosmos/server.js';

describe('describeFailure', () => {
  test('a real Cosmos 404 (a database that does not exist) names COSMOS_DATABASE', async () => {
    const cosmos = await startLocalCosmos();
    const client = new CosmosClient({ endpoint: cosmos.endpoint, key: 'bG9jYWw=', connectionPolicy: { enableEndpointDiscovery: false } });
    try {
      const error = await client
        .database('missing')
        .read()
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(describeFailure(error)).toContain('COSMOS_DATABASE');
    } finally {
      client.dispose();
      await cosmos.close();
    }
  });

  test('refusals the local server cannot produce (it accepts any key): shaped as @azure/cosmos throws them', () => {
    expect(describeFailure({ code: 401, diagnostics: {} })).toContain('COSMOS_KEY');
    expect(describeFailure({ code: 403, diagnostics: {} })).toContain('Cosmos DB Built-in Data Contributor');
    expect(describeFailure({ code: 429, diagnostics: {} })).toContain('throttling');
  });

  test('anything else is left to the caller', () => {
    for (const error of [new Error('x'), undefined, 'text', { code: 500 }]) expect(describeFailure(error)).toBeUndefined();
  });
});
