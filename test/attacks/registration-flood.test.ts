// Attack: registrations nobody ever signs in with, by the thousand, and an admin listing that grows with
// them. Unused DCR clients expire (enforced on read; Cosmos `ttl` collects them), use keeps a client
// alive, and list_clients is paged with a cursor.
import { generateClientId, type RegisteredClient } from '../../src/oauth/client.js';
import { createCimdResolver } from '../../src/oauth/cimd.js';
import { createCosmosClientStore, MAX_PAGE, type ClientStore } from '../../src/store/clients.js';
import { startCosmosFixture, type CosmosFixture } from '../oauth/fixtures.js';

const HOUR = 3600_000;

function dcrClient(): RegisteredClient {
  return {
    clientId: generateClientId(),
    source: 'dcr',
    issuedAt: 1_700_000_000,
    metadata: {
      redirect_uris: ['http://127.0.0.1/cb'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'mcp:tools',
    },
  };
}

describe('attack: a flood of unused registrations', () => {
  let fixture: CosmosFixture;
  let clock = 1_800_000_000_000;
  const store = (): ClientStore =>
    createCosmosClientStore({
      container: fixture.containers.clients,
      cimd: createCimdResolver({ allowLoopback: false, redirectUriAllowlist: [], clientNameAllowlist: [] }),
      now: () => clock,
      unusedTtlSeconds: 24 * 3600,
      usedTtlSeconds: 30 * 24 * 3600,
    });
  beforeAll(async () => {
    fixture = await startCosmosFixture();
  });
  afterAll(() => fixture.close());

  test('a client never used expires after a day: gone for every instance, and its document carries a Cosmos ttl', async () => {
    const client = dcrClient();
    const instance = store();
    await instance.registerClient(client);
    const { resource } = await fixture.containers.clients.item(client.clientId, client.clientId).read<{ ttl: number }>();
    expect(resource!.ttl).toBe(24 * 3600);
    clock += 24 * HOUR;
    await expect(instance.getClient(client.clientId)).resolves.toBeUndefined();
    await expect(store().getClient(client.clientId)).resolves.toBeUndefined();
  });

  test('a used client lives on: each use moves its expiry to the grant lifetime', async () => {
    const client = dcrClient();
    await store().registerClient(client);
    clock += 23 * HOUR;
    await store().recordUse((await store().getClient(client.clientId))!);
    clock += 10 * 24 * HOUR;
    await expect(store().getClient(client.clientId)).resolves.toMatchObject({ clientId: client.clientId });
    const { resource } = await fixture.containers.clients.item(client.clientId, client.clientId).read<{ ttl: number }>();
    expect(resource!.ttl).toBeGreaterThan(24 * 3600);
  });

  test(`list_clients pages: at most ${MAX_PAGE} a page, a cursor to the next, every live client exactly once`, async () => {
    const registered = new Set<string>();
    for (let i = 0; i < 2 * MAX_PAGE + 7; i++) {
      const client = dcrClient();
      await store().registerClient(client);
      registered.add(client.clientId);
    }
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await store().listClients(after ? { after } : {});
      expect(page.clients.length).toBeLessThanOrEqual(MAX_PAGE);
      seen.push(...page.clients.map((c) => c.clientId));
      after = page.next;
      pages += 1;
    } while (after && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining([...registered]));
    expect(pages).toBeGreaterThanOrEqual(3);

    clock += 25 * HOUR; // every one of them unused: none is listed any more
    const afterExpiry = await store().listClients();
    expect(afterExpiry.clients.map((c) => c.clientId).filter((id) => registered.has(id))).toEqual([]);
  });
});
