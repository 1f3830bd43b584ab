import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { startLocalCosmos, type LocalCosmos } from '../../src/local/cosmos/server.js';
import { createCosmosClient, ensureContainers } from '../../src/store/cosmos.js';
import { testEnv } from '../support/env.js';
import { freePort } from '../support/stack-process.js';
import { TOOLS } from '../../src/tools/requirements-table.js';

// A Key Vault reference App Service has not resolved reaches the app as its own text. The real app, loaded by
// the local Functions host in a child process (as the worker loads it on a start), must still load and answer
// 503 everywhere; started again with the setting resolved (as App Service restarts it), it serves normally.

const HOST_PROCESS = fileURLToPath(new URL('./host-process.js', import.meta.url));
const unresolved = '@Microsoft.KeyVault(SecretUri=https://kv-test.vault.azure.net/secrets/token-encryption-keys)';

interface HostProcess {
  url: string;
  functions: { name: string; kind: string }[];
  output(): string;
  stop(): Promise<void>;
}

async function startHostProcess(env: NodeJS.ProcessEnv, port: number): Promise<HostProcess> {
  const child: ChildProcess = spawn(process.execPath, [HOST_PROCESS], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const listening = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^LISTENING .*$/m.exec(stdout);
      if (line) resolve(line[0]);
    });
    void exited.then(() => reject(new Error(`the host process exited before listening:\n${stdout}\n${output}`)));
  });
  const [, url, functions] = /^LISTENING (\S+) (.*)$/.exec(await listening)!;
  return {
    url: url!,
    functions: JSON.parse(functions!) as { name: string; kind: string }[],
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('configuration not ready: the app loads, answers 503 with why, and serves once restarted with it fixed', () => {
  let cosmos: LocalCosmos;
  let port: number;
  let env: NodeJS.ProcessEnv;
  let host: HostProcess | undefined;

  beforeAll(async () => {
    cosmos = await startLocalCosmos();
    port = await freePort();
    env = testEnv({ COSMOS_ENDPOINT: cosmos.endpoint, GATEWAY_BASE_URL: `http://127.0.0.1:${port}` });
    const client = createCosmosClient(loadConfig(env));
    await ensureContainers(client, loadConfig(env).cosmos.database);
    client.dispose();
  });

  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  afterAll(async () => {
    await cosmos?.close();
  });

  test('an unresolved Key Vault reference: every route 503 in RFC 6749 form with Retry-After; the log names the setting and the fix', async () => {
    host = await startHostProcess({ ...env, TOKEN_ENCRYPTION_KEYS: unresolved }, port);

    const requests: [string, string][] = [
      ['GET', '/health'],
      ['GET', '/'],
      ['GET', '/.well-known/oauth-authorization-server'],
      ['GET', '/.well-known/oauth-protected-resource/mcp'],
      ['POST', '/register'],
      ['GET', '/authorize?client_id=x'],
      ['POST', '/token'],
      ['POST', '/mcp'],
      ['GET', '/mcp/sse'],
      ['OPTIONS', '/token'],
      ['GET', '/no/such/route'],
    ];
    for (const [method, path] of requests) {
      const response = await fetch(`${host.url}${path}`, { method });
      const body = (await response.json()) as { error: string; error_description: string };
      expect({ method, path, status: response.status, retryAfter: response.headers.get('retry-after'), cache: response.headers.get('cache-control') }).toEqual({
        method,
        path,
        status: 503,
        retryAfter: '30',
        cache: 'no-store',
      });
      expect(body.error).toBe('temporarily_unavailable');
      expect(body.error_description).toContain('configuration is not ready (TOKEN_ENCRYPTION_KEYS)');
    }

    // The MCP tools stay registered (so the host still starts the MCP extension), and refuse.
    expect(host.functions.filter((f) => f.kind === 'http').map((f) => f.name)).toEqual(['not-ready']);
    expect(host.functions.filter((f) => f.kind === 'mcpTool').map((f) => f.name)).toEqual(TOOLS.map((t) => t.name));
    const call = await fetch(`${host.url}/runtime/webhooks/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
    });
    expect(await call.text()).toContain('The gateway is not ready');

    const log = host.output();
    expect(log).toContain('Entra MCP Gateway: the configuration is not ready.');
    expect(log).toMatch(/TOKEN_ENCRYPTION_KEYS: is still an unresolved reference .*Key Vault Secrets User.*restart the app/);
    expect(log).not.toMatch(/ConfigError|at loadConfig/); // a problem list, not an exception's stack
  });

  test('any other configuration error takes the same path (one line per setting, values of secrets never shown)', async () => {
    host = await startHostProcess({ ...env, COOKIE_SECRET: 'too-short-secret-value', ACCESS_TOKEN_TTL_SECONDS: 'soon' }, port);
    const response = await fetch(`${host.url}/health`);
    expect(response.status).toBe(503);
    const description = ((await response.json()) as { error_description: string }).error_description;
    expect(description).toMatch(/not ready \((COOKIE_SECRET, ACCESS_TOKEN_TTL_SECONDS|ACCESS_TOKEN_TTL_SECONDS, COOKIE_SECRET)\)/);
    expect(host.output()).toMatch(/- COOKIE_SECRET: /);
    expect(host.output()).toMatch(/- ACCESS_TOKEN_TTL_SECONDS: .*\(got "soon"\)/);
    expect(host.output()).not.toContain('too-short-secret-value');
  });

  test('restarted with the setting resolved, without a rebuild: the gateway serves', async () => {
    host = await startHostProcess({ ...env, TOKEN_ENCRYPTION_KEYS: unresolved }, port);
    expect((await fetch(`${host.url}/health`)).status).toBe(503);
    await host.stop();

    host = await startHostProcess(env, port);
    expect((await fetch(`${host.url}/health`)).status).toBe(200);
    const metadata = await fetch(`${host.url}/.well-known/oauth-authorization-server`);
    expect(metadata.status).toBe(200);
    expect(((await metadata.json()) as { issuer: string }).issuer).toBe(`http://127.0.0.1:${port}`);
    expect(host.functions.map((f) => f.name)).not.toContain('not-ready');
    expect(host.output()).not.toContain('not ready');
  });
});
