import { generateClientId, type RegisteredClient } from '../../src/oauth/client.js';
import { startCosmosFixture, type CosmosFixture } from '../oauth/fixtures.js';

function dcrClient(overrides: Partial<RegisteredClient> = {}): RegisteredClient {
  return {
    clientId: generateClientId(),
    source: 'dcr',
    issuedAt: 1_700_000_000,
    metadata: {
      redirect_uris: ['http://localhost/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'mcp:tools',
      client_name: 'Test client',
    },
    ...overrides,
  };
}

describe('client store (Cosmos)', () => {
  let fixture: CosmosFixture;
  beforeAll(async () => {
    fixture = await startCosmosFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  test('a registered client is readable by a fresh store (no cache), with its secret hash', async () => {
    const client = dcrClient({ secretHash: 'ab'.repeat(32) });
    await fixture.store().registerClient(client);
    await expect(fixture.store().getClient(client.clientId)).resolves.toEqual({ ...client, expiresAt: expect.any(Number) });
  });

  test('the document is keyed by client_id in the clients container', async () => {
    const client = dcrClient();
    await fixture.store().registerClient(client);
    const { resource } = await fixture.containers.clients.item(client.clientId, client.clientId).read();
    expect(resource).toMatchObject({ id: client.clientId, source: 'dcr', metadata: client.metadata });
  });

  test('an unknown client_id is undefined', async () => {
    await expect(fixture.store().getClient(generateClientId())).resolves.toBeUndefined();
  });

  test('a client_id Cosmos cannot hold is undefined without a read', async () => {
    await expect(fixture.store().getClient('a/b')).resolves.toBeUndefined();
    await expect(fixture.store().getClient('x'.repeat(300))).resolves.toBeUndefined();
  });

  test('registering the same client_id twice fails', async () => {
    const client = dcrClient();
    await fixture.store().registerClient(client);
    await expect(fixture.store().registerClient(client)).rejects.toBeDefined();
  });

  test('lookups are served from the cache after the first read', async () => {
    const store = fixture.store();
    const client = dcrClient();
    await store.registerClient(client);
    // Deleted behind this store's back (as another instance would): the cached copy still answers.
    await fixture.containers.clients.item(client.clientId, client.clientId).delete();
    await expect(store.getClient(client.clientId)).resolves.toMatchObject(client);
    await expect(fixture.store().getClient(client.clientId)).resolves.toBeUndefined();
  });

  test('deleteClient removes the client and evicts it; a second delete says false', async () => {
    const store = fixture.store();
    const client = dcrClient();
    await store.registerClient(client);
    await expect(store.deleteClient(client.clientId)).resolves.toBe(true);
    await expect(store.getClient(client.clientId)).resolves.toBeUndefined();
    await expect(store.deleteClient(client.clientId)).resolves.toBe(false);
  });

  test('listClients returns the registered clients', async () => {
    const store = fixture.store();
    const a = dcrClient();
    const b = dcrClient();
    await store.registerClient(a);
    await store.registerClient(b);
    const ids = (await store.listClients()).clients.map((c) => c.clientId);
    expect(ids).toEqual(expect.arrayContaining([a.clientId, b.clientId]));
  });

  test('a URL client_id goes to the metadata document resolver, not Cosmos', async () => {
    // Loopback is refused (setting off) before any connection: the resolver, not a point read, answered.
    await expect(fixture.store().getClient('https://localhost/client.json')).rejects.toMatchObject({
      errorCode: 'invalid_client',
      description: expect.stringContaining('could not be fetched'),
    });
  });
});
