import { CosmosClient } from '@azure/cosmos';
import { createTtlSweeper, isExpired } from '../../../src/local/cosmos/sweeper.js';
import { startLocalCosmos, type LocalCosmos } from '../../../src/local/cosmos/server.js';
import { ensureContainers } from '../../../src/store/cosmos.js';

describe('TTL sweeper: Cosmos DB time to live for the local server', () => {
  test.each([
    ['own ttl, not yet', { _ts: 1000, ttl: 60 }, -1, 1059, false],
    ['own ttl, reached', { _ts: 1000, ttl: 60 }, -1, 1060, true],
    ['own ttl wins over the default', { _ts: 1000, ttl: 600 }, 300, 1400, false],
    ['container default, reached', { _ts: 1000 }, 300, 1300, true],
    ['-1 on the document: never', { _ts: 1000, ttl: -1 }, 300, 10_000_000, false],
    ['-1 on the container, no own ttl: never', { _ts: 1000 }, -1, 10_000_000, false],
    ['TTL off on the container: own ttl ignored', { _ts: 1000, ttl: 1 }, undefined, 10_000_000, false],
  ])('%s', (_what, doc, defaultTtl, now, expired) => {
    expect(isExpired(doc, defaultTtl, now)).toBe(expired);
  });

  describe('against the local Cosmos server', () => {
    let cosmos: LocalCosmos;
    let client: CosmosClient;
    beforeAll(async () => {
      cosmos = await startLocalCosmos(0);
      client = new CosmosClient({
        endpoint: cosmos.endpoint,
        key: 'bG9jYWwtY29zbW9zLWtleS1hbnktdmFsdWUtd29ya3M=',
        connectionPolicy: { enableEndpointDiscovery: false },
      });
      await ensureContainers(client, 'sweep');
    });
    afterAll(async () => {
      client.dispose();
      await cosmos.close();
    });

    test('deletes exactly the expired documents, by their _ts and ttl (own, else the container default)', async () => {
      const database = client.database('sweep');
      await database.container('codes').items.create({ id: 'code-default' }); // codes: defaultTtl 300
      await database.container('codes').items.create({ id: 'code-long', ttl: 3600 });
      await database.container('grants').items.create({ id: 'grant-short', ttl: 60 });
      await database.container('grants').items.create({ id: 'grant-forever' }); // grants: defaultTtl -1
      const { resource } = await database.container('codes').item('code-default', 'code-default').read<{ _ts: number }>();
      const writtenAt = resource!._ts * 1000;

      let now = writtenAt + 59_000;
      const sweeper = createTtlSweeper({ database, now: () => now, intervalMs: 0 });
      expect(await sweeper.sweep()).toMatchObject({ codes: 0, grants: 0 });
      now = writtenAt + 300_000;
      expect(await sweeper.sweep()).toMatchObject({ codes: 1, grants: 1 });
      now = writtenAt + 3_600_000;
      expect(await sweeper.sweep()).toMatchObject({ codes: 1, grants: 0 });
      const left = async (id: string) => (await database.container(id).items.query<{ id: string }>('SELECT c.id FROM c').fetchAll()).resources.map((r) => r.id);
      expect(await left('codes')).toEqual([]);
      expect(await left('grants')).toEqual(['grant-forever']);
    });
  });
});
