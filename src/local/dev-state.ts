import { CosmosClient } from '@azure/cosmos';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTAINERS } from '../store/containers.js';
import type { EntraEmulator, SavedEntraState } from './entra/index.js';

/**
 * What `npm start` keeps across restarts in a git-ignored folder (`.local/` by default; `npm start --
 * --clean` empties it first): the keys it generates (so the session tokens and the consent cookies it
 * issued stay valid), the local Cosmos DB data (so MCP clients stay registered and grants stay), and
 * the Entra emulator's signing keys, refresh tokens, sign-in sessions, users' consents and port (so the
 * Entra tokens inside a grant still verify, with the same issuer, and the gateway can still renew them:
 * after a restart, or `npm run dev`'s restart on every change, tools that call Graph keep working
 * without a new sign-in). Files are owner-only; they hold local-only keys, never a real credential.
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

/** What the Entra emulator saved on the last stop, and the port it listened on (its issuer's). */
export interface SavedEntra {
  port: number;
  emulator: SavedEntraState;
}

export function loadEntraState(dir: string): SavedEntra | undefined {
  const file = join(dir, 'entra.json');
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedEntra>;
  return saved.port && saved.emulator ? (saved as SavedEntra) : undefined;
}

export async function saveEntraState(dir: string, entra: Pick<EntraEmulator, 'url' | 'save'>): Promise<void> {
  writeOwnerOnly(dir, 'entra.json', { port: Number(new URL(entra.url).port), emulator: await entra.save() } satisfies SavedEntra);
}

function cosmosClient(endpoint: string, key: string): CosmosClient {
  return new CosmosClient({ endpoint, key, connectionPolicy: { enableEndpointDiscovery: false } });
}

function writeOwnerOnly(dir: string, name: string, value: unknown): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, name), JSON.stringify(value, null, 2), { mode: 0o600 });
}
