import { CosmosClient } from '@azure/cosmos';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTAINERS } from '../store/containers.js';

/**
 * What `npm start` keeps across restarts in a git-ignored folder (`.local/` by default; `npm start --
 * --clean` empties it first): the keys it generates (so the session tokens and the consent cookies it
 * issued stay valid) and the local Cosmos DB data (so MCP clients stay registered and grants stay).
 * Files are owner-only; they hold local-only keys, never a real credential.
 *
 * Not kept: the Entra emulator's signing keys and refresh tokens, so after a restart the Entra tokens
 * inside a grant no longer verify and clients sign in again (without registering or consenting again).
 */
export const DEFAULT_STATE_DIR = '.local';

export interface DevKeys {
  TOKEN_ENCRYPTION_KEYS: string;
  COOKIE_SECRET: string;
  MCP_EXTENSION_KEY: string;
}

const secret = () => randomBytes(32).toString('base64url');

/** Empties the state folder (`--clean`). */
export function clearDevState(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The keys of earlier runs, or new ones (written at once). */
export function loadOrCreateDevKeys(dir: string): DevKeys {
  const file = join(dir, 'keys.json');
  if (existsSync(file)) {
    const keys = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevKeys>;
    if (keys.TOKEN_ENCRYPTION_KEYS && keys.COOKIE_SECRET && keys.MCP_EXTENSION_KEY) return keys as DevKeys;
  }
  const keys: DevKeys = { TOKEN_ENCRYPTION_KEYS: `k1:${secret()}`, COOKIE_SECRET: secret(), MCP_EXTENSION_KEY: secret() };
  writeOwnerOnly(dir, 'keys.json', keys);
  return keys;
}

type Dump = Partial<Record<string, Record<string, unknown>[]>>;

/** Writes every document of every gateway container to `cosmos.json`. */
export async function saveCosmos(dir: string, endpoint: string, key: string, database: string): Promise<void> {
  const client = cosmosClient(endpoint, key);
  try {
    const dump: Dump = {};
    for (const { id } of Object.values(CONTAINERS)) {
      const { resources } = await client.database(database).container(id).items.readAll<Record<string, unknown>>().fetchAll();
      dump[id] = resources.map((doc) => Object.fromEntries(Object.entries(doc).filter(([name]) => !name.startsWith('_'))));
    }
    writeOwnerOnly(dir, 'cosmos.json', dump);
  } finally {
    client.dispose();
  }
}

/** Loads `cosmos.json` (if any) into the freshly created containers; returns how many documents. */
export async function restoreCosmos(dir: string, endpoint: string, key: string, database: string): Promise<number> {
  const file = join(dir, 'cosmos.json');
  if (!existsSync(file)) return 0;
  const dump = JSON.parse(readFileSync(file, 'utf8')) as Dump;
  const client = cosmosClient(endpoint, key);
  let count = 0;
  try {
    for (const { id } of Object.values(CONTAINERS)) {
      for (const doc of dump[id] ?? []) {
        await client.database(database).container(id).items.upsert(doc);
        count++;
      }
    }
  } finally {
    client.dispose();
  }
  return count;
}

function cosmosClient(endpoint: string, key: string): CosmosClient {
  return new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
}

function writeOwnerOnly(dir: string, name: string, value: unknown): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, name), JSON.stringify(value, null, 2), { mode: 0o600 });
}
