import type { Container } from '@azure/cosmos';
import { lazyContainer } from '../../src/store/lazy-container.js';
import { startCosmosHarness } from '../oauth/tokens/harness.js';

/** A real container on the in-process Cosmos DB server (the clients container: partitioned by /id, as all are). */
async function harness(): Promise<{ container: Container; close: () => Promise<void> }> {
  const cosmos = await startCosmosHarness();
  return { container: cosmos.containers.clients, close: () => cosmos.close() };
}

describe('a container opened on first use', () => {
  test('opens nothing until used, then once; every call reaches the real container', async () => {
    const { container, close } = await harness();
    try {
      let opened = 0;
      const lazy = lazyContainer(async () => {
        opened++;
        return container;
      });
      expect(opened).toBe(0);
      await Promise.all([lazy.items.create({ id: 'a', n: 1 }), lazy.items.upsert({ id: 'b', n: 2 })]);
      expect(opened).toBe(1);
      expect((await lazy.item('a', 'a').read<{ id: string; n: number }>()).resource?.n).toBe(1);
      await lazy.item('a', 'a').replace({ id: 'a', n: 3 });
      const { resources } = await lazy.items.query<{ id: string; n: number }>('SELECT c.id, c.n FROM c ORDER BY c.id').fetchAll();
      expect(resources).toEqual([
        { id: 'a', n: 3 },
        { id: 'b', n: 2 },
      ]);
      await lazy.item('b', 'b').delete();
      expect((await lazy.item('b', 'b').read()).statusCode).toBe(404);
      expect(opened).toBe(1);
    } finally {
      await close();
    }
  });

  test('an open that fails is tried again on the next call, not remembered', async () => {
    const { container, close } = await harness();
    try {
      let attempts = 0;
      const lazy = lazyContainer(async (): Promise<Container> => {
        if (++attempts === 1) throw new Error('not yet');
        return container;
      });
      await expect(lazy.read()).rejects.toThrow('not yet');
      await expect(lazy.read()).resolves.toBeDefined();
      expect(attempts).toBe(2);
    } finally {
      await close();
    }
  });
});
