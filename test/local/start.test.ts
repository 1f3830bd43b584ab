import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isPortFree, reservedPort as freePort } from '../../src/local/ports.js';

const START = fileURLToPath(new URL('../../src/local/start.js', import.meta.url));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function start(env: Record<string, string>, args: string[] = []): Started {
  const child = spawn(process.execPath, [START, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, output: () => output, exited };
}

/** Polls until `check` passes or the child exits; bounded so a broken start fails instead of hanging. */
async function until(started: Started, check: () => Promise<boolean>, what: string, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`exited before ${what}:\n${started.output()}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}:\n${started.output()}`);
}

describe('npm start (src/local/start.js)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`serves the gateway on PORT, prints the banner, and exits 0 on ${signal}`, async () => {
      const port = await freePort();
      // A shell that exported a real Cosmos account: npm start uses its own, and says so once.
      const started = start({ PORT: String(port), COSMOS_ENDPOINT: 'https://real-account.documents.azure.com:443/' });
      children.push(started.child);
      const base = `http://localhost:${port}`;

      await until(started, async () => (await fetch(`${base}/health`)).status === 200, '/health');
      const landing = await fetch(`${base}/`);
      expect(landing.status).toBe(200);
      expect(landing.headers.get('content-type')).toContain('text/html');
      const html = await landing.text();
      expect(html).toContain('<title>Entra MCP Gateway</title>');
      expect(html).toContain(`${base}/mcp`);

      await until(started, async () => started.output().includes('Test users'), 'the banner');
      const banner = started.output();
      expect(banner).toContain(`${base}/mcp`);
      expect(banner).toContain(`${base}/mcp/sse`);
      expect(banner).toContain('adele@contoso.test');
      expect(banner).toContain('admin@contoso.test');
      expect(banner).toContain('MCP.Admin');
      expect(banner).toContain('Passw0rd!');
      // The full stack never prints its keys: only the emulators-only mode shows local settings.
      expect(banner).not.toContain('TOKEN_ENCRYPTION_KEYS');
      expect(banner).not.toContain('COOKIE_SECRET');

      const ports = new Set([...banner.matchAll(/http:\/\/(?:localhost|127\.0\.0\.1):(\d+)/g)].map((m) => Number(m[1])));
      expect(ports.size).toBe(5); // the gateway and four emulators
      // Only URLs that work: the gateway is http://localhost (its issuer), never http://127.0.0.1.
      expect(banner).not.toContain(`http://127.0.0.1:${port}`);
      expect(banner.match(/Ignored from your shell[^\n]*/g)).toEqual([
        'Ignored from your shell (npm start sets its own for the local stack): COSMOS_ENDPOINT.',
      ]);
      expect(banner).not.toContain('real-account');

      started.child.kill(signal);
      const [code] = await started.exited;
      expect(code).toBe(0);
      for (const p of ports) expect(await isPortFree(p)).toBe(true);
    }, 90_000);
  }

  test('an invalid setting stops it with a non-zero exit that names the setting', async () => {
    const started = start({ PORT: String(await freePort()), ACCESS_TOKEN_TTL_SECONDS: '5' });
    children.push(started.child);
    const [code] = await started.exited;
    expect(code).not.toBe(0);
    expect(started.output()).toContain('ACCESS_TOKEN_TTL_SECONDS');
  }, 60_000);

  test('--emulators-only prints the settings for func start and serves no gateway', async () => {
    const port = await freePort();
    const started = start({ PORT: String(port) }, ['--emulators-only']);
    children.push(started.child);
    await until(started, async () => /\n\}\n/.test(started.output()), 'the local.settings.json block');

    const output = started.output();
    expect(output).toMatch(/local-only/i);
    const json = output.slice(output.indexOf('{\n  "IsEncrypted"'), output.lastIndexOf('\n}') + 2);
    const settings = (JSON.parse(json) as { Values: Record<string, string> }).Values;
    expect(settings).toMatchObject({
      FUNCTIONS_WORKER_RUNTIME: 'node',
      AzureWebJobsDisableHomepage: 'true',
      GATEWAY_MODE: 'dev',
      GATEWAY_BASE_URL: `http://localhost:${port}`,
      ENTRA_CREDENTIAL: 'managed_identity',
    });
    for (const name of [
      'ENTRA_AUTHORITY_HOST',
      'GRAPH_BASE_URL',
      'COSMOS_ENDPOINT',
      'IDENTITY_ENDPOINT',
      'IDENTITY_HEADER',
      'TOKEN_ENCRYPTION_KEYS',
      'COOKIE_SECRET',
    ]) {
      expect(settings[name]).toBeTruthy();
    }
    const discovery = `${settings.ENTRA_AUTHORITY_HOST}/${settings.ENTRA_TENANT_ID}/v2.0/.well-known/openid-configuration`;
    expect((await fetch(discovery)).status).toBe(200);
    expect((await fetch(`${settings.GRAPH_BASE_URL}/v1.0/me`)).status).toBe(401);
    expect(await isPortFree(port)).toBe(true);

    started.child.kill('SIGTERM');
    const [code] = await started.exited;
    expect(code).toBe(0);
    await expect(fetch(`${settings.GRAPH_BASE_URL}/v1.0/me`)).rejects.toThrow();
  }, 90_000);
});
