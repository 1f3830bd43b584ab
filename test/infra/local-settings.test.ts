import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { settings } from '../../src/config/settings.js';
import { LOCAL_GATEWAY_APP, LOCAL_TENANT_ID } from '../../src/local/defaults.js';
import { DEFAULT_PORTS } from '../../src/local/ports.js';
import { readRepoFile } from './repo.js';

const sample = JSON.parse(readRepoFile('local.settings.sample.json')) as {
  IsEncrypted: boolean;
  Values: Record<string, string>;
  Host: { LocalHttpPort: number };
};
const values = sample.Values;

describe('local.settings.sample.json', () => {
  test('lists every setting of the configuration module, and only known names besides the host\'s own', () => {
    expect(Object.keys(settings).filter((name) => !(name in values))).toEqual([]);
    const hostSettings = ['FUNCTIONS_WORKER_RUNTIME', 'AzureWebJobsStorage', 'AzureWebJobsDisableHomepage'];
    expect(Object.keys(values).filter((name) => !(name in settings) && !hostSettings.includes(name))).toEqual([]);
    expect(sample.IsEncrypted).toBe(false);
    expect(Object.values(values).every((v) => typeof v === 'string')).toBe(true);
  });

  test('runs the node worker against Azurite and leaves "/" to the gateway', () => {
    expect(values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(values.AzureWebJobsStorage).toBe('UseDevelopmentStorage=true');
    expect(values.AzureWebJobsDisableHomepage).toBe('true');
  });

  test('points at the local stack\'s default ports and identities', () => {
    expect(sample.Host.LocalHttpPort).toBe(DEFAULT_PORTS.gateway);
    expect(values.GATEWAY_BASE_URL).toBe(`http://localhost:${DEFAULT_PORTS.gateway}`);
    expect(values.ENTRA_AUTHORITY_HOST).toBe(`http://localhost:${DEFAULT_PORTS.entra}`);
    expect(values.GRAPH_BASE_URL).toBe(`http://localhost:${DEFAULT_PORTS.graph}`);
    expect(values.COSMOS_ENDPOINT).toBe(`http://127.0.0.1:${DEFAULT_PORTS.cosmos}/`);
    expect(values.ENTRA_TENANT_ID).toBe(LOCAL_TENANT_ID);
    expect(values.ENTRA_CLIENT_ID).toBe(LOCAL_GATEWAY_APP.clientId);
    expect(values.ENTRA_API_SCOPE).toBe(LOCAL_GATEWAY_APP.apiScope);
  });

  test('holds no real secret: the two keys are placeholders, the rest are the emulators\' local-only values', () => {
    expect(values.TOKEN_ENCRYPTION_KEYS).toBe(settings.TOKEN_ENCRYPTION_KEYS.example);
    expect(values.COOKIE_SECRET).toBe(settings.COOKIE_SECRET.example);
    expect(values.ENTRA_CLIENT_SECRET).toBe(LOCAL_GATEWAY_APP.clientSecret);
    expect(values.MCP_EXTENSION_KEY).toBe('');
    expect(values.GATEWAY_MODE).toBe('dev'); // refused in Azure, so none of these values can reach it
  });

  test('loads once the two keys are generated, and names exactly those two until then', () => {
    let problems: string[] = [];
    try {
      loadConfig({ ...values });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems.map((p) => p.setting);
    }
    expect(problems.sort()).toEqual(['COOKIE_SECRET', 'TOKEN_ENCRYPTION_KEYS']);

    const config = loadConfig({
      ...values,
      TOKEN_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
      COOKIE_SECRET: randomBytes(32).toString('base64url'),
    });
    expect(config.mode).toBe('dev');
    expect(config.mcpResource).toBe('http://localhost:7071/mcp');
    expect(config.mcpExtension.url).toBe('http://localhost:7071/runtime/webhooks/mcp');
  });
});

describe('local stack default ports', () => {
  test('are distinct, the gateway on the Functions host default 7071 and Cosmos on 8081', () => {
    const ports = Object.values(DEFAULT_PORTS);
    expect(new Set(ports).size).toBe(ports.length);
    expect(DEFAULT_PORTS.gateway).toBe(7071);
    expect(DEFAULT_PORTS.cosmos).toBe(8081);
    // Azurite's own defaults (10000-10002) stay free for `npm run azurite`.
    expect(ports.some((p) => p >= 10000 && p <= 10002)).toBe(false);
  });
});
