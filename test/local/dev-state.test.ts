import { CosmosClient } from '@azure/cosmos';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearDevState } from '../../src/local/dev-state.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { CONTAINERS } from '../../src/store/containers.js';

const register = (gateway: string, name: string) =>
  fetch(`${gateway}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: name, redirect_uris: ['http://127.0.0.1:9/callback'], token_endpoint_auth_method: 'none' }),
  }).then(async (r) => ((await r.json()) as { client_id: string }).client_id);

/** Whether the stack's Cosmos holds the client (read through @azure/cosmos, not the app's client cache). */
const knows = async (stack: LocalStack, clientId: string) => {
  const client = new CosmosClient({ endpoint: stack.env.COSMOS_ENDPOINT!, key: stack.env.COSMOS_KEY!, connectionPolicy: { enableEndpointDiscovery: false } });
  try {
    const { resource } = await client.database(stack.env.COSMOS_DATABASE!).container(CONTAINERS.clients.id).item(clientId, clientId).read();
    return resource !== undefined;
  } finally {
    client.dispose();
  }
};

describe('npm start --persist: keys and Cosmos data kept in a folder across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-state-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a registered client and the keys survive a restart; --clean starts empty', async () => {
    const first = await startLocalStack({ gatewayPort: 0, stateDir: dir, log: () => {} });
    let clientId: string;
    let keys: string | undefined;
    try {
      clientId = await register(first.urls.gateway, 'Persisted Client');
      expect(await knows(first, clientId)).toBe(true);
      keys = first.env.TOKEN_ENCRYPTION_KEYS;
    } finally {
      await first.close();
    }
    expect(statSync(join(dir, 'keys.json')).mode & 0o077).toBe(0);
    expect(existsSync(join(dir, 'cosmos.json'))).toBe(true);

    const second = await startLocalStack({ gatewayPort: 0, stateDir: dir, log: () => {} });
    try {
      expect(second.env.TOKEN_ENCRYPTION_KEYS).toBe(keys);
      expect(await knows(second, clientId)).toBe(true);
    } finally {
      await second.close();
    }

    clearDevState(dir);
    const clean = await startLocalStack({ gatewayPort: 0, stateDir: dir, log: () => {} });
    try {
      expect(clean.env.TOKEN_ENCRYPTION_KEYS).not.toBe(keys);
      expect(await knows(clean, clientId)).toBe(false);
    } finally {
      await clean.close();
    }
  }, 60_000);
});
