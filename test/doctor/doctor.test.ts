import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatReport, passed, runDoctor, type CheckResult } from '../../src/doctor/index.js';
import { writeLocalStackSettings } from '../../src/doctor/local-settings.js';
import { LOCAL_GATEWAY_APP, LOCAL_MANAGED_IDENTITY } from '../../src/local/defaults.js';
import type { AppRegistration } from '../../src/local/entra/index.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';

/** `npm run doctor` against the real local stack: every check passes, then each one's failing case. */
describe('doctor', () => {
  let stack: LocalStack;
  let app: AppRegistration;
  beforeAll(async () => {
    stack = await startLocalStack({ gatewayPort: 0, log: () => {} });
    app = stack.entra.directory.apps.find((a) => a.appId === LOCAL_GATEWAY_APP.clientId)!;
  }, 60_000);
  afterAll(() => stack?.close());

  const run = (over: Record<string, string> = {}) => runDoctor({ ...stack.env, ...over });
  const find = (results: CheckResult[], name: string) => {
    const found = results.find((r) => r.name.includes(name));
    if (!found) throw new Error(`no check named ${name} in ${results.map((r) => r.name).join(', ')}`);
    return found;
  };
  /** Changes the gateway's app registration in the emulator for one run, then puts it back. */
  async function withApp(change: (a: AppRegistration) => void): Promise<CheckResult[]> {
    const saved = structuredClone(app);
    change(app);
    try {
      return await run();
    } finally {
      Object.assign(app, saved);
    }
  }

  test('every check passes on the running local stack, and the report holds no secret', async () => {
    const results = await run();
    expect(results.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(passed(results)).toBe(true);
    expect(results.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'Settings',
        'Gateway base URL',
        'Entra discovery document',
        'Managed identity endpoint',
        'Cosmos DB',
        'MCP extension',
        'App registration: federated credential',
        'App registration: redirect URI',
      ]),
    );
    const report = formatReport(results);
    expect(report).toContain('Every check passed.');
    for (const name of ['MCP_EXTENSION_KEY', 'COOKIE_SECRET', 'COSMOS_KEY', 'IDENTITY_HEADER']) expect(report).not.toContain(stack.env[name]);
    expect(report).not.toContain(stack.env.TOKEN_ENCRYPTION_KEYS!.slice(3));
  });

  test('a wrong setting: one failure naming it and its fix, nothing else runs', async () => {
    const results = await run({ COOKIE_SECRET: 'short' });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: 'Settings', status: 'fail' });
    expect(results[0]!.detail).toContain('COOKIE_SECRET');
  });

  test('a missing redirect URI names the exact URI to add', async () => {
    const callback = `${stack.urls.gateway}/callback`;
    const results = await withApp((a) => (a.web = { redirectUris: (a.web?.redirectUris ?? []).filter((u) => u !== callback) }));
    const check = find(results, 'redirect URI');
    expect(check.status).toBe('fail');
    expect(check.fix).toContain(`add ${callback}`);
    expect(passed(results)).toBe(false);
  });

  test('a v1 access token version', async () => {
    const results = await withApp((a) => (a.requestedAccessTokenVersion = 1));
    const check = find(results, 'access token version');
    expect(check).toMatchObject({ status: 'fail' });
    expect(check.fix).toContain('"requestedAccessTokenVersion": 2');
  });

  test('missing app roles', async () => {
    const results = await withApp((a) => (a.appRoles = [{ value: 'MCP.User', allowedMemberTypes: ['User'] }]));
    expect(find(results, 'app roles')).toMatchObject({ status: 'fail', detail: expect.stringContaining('MCP.Admin') });
  });

  test('a federated credential with the wrong subject: the AADSTS code and the exact values to set', async () => {
    const results = await withApp(
      (a) => (a.federatedCredentials = a.federatedCredentials!.map((f) => ({ ...f, subject: '44444444-4444-4444-8444-444444444444' }))),
    );
    const credential = find(results, 'Credential');
    expect(credential).toMatchObject({ status: 'fail', aadsts: '700213' });
    expect(credential.detail).toContain('AADSTS700213');
    expect(credential.fix).toContain(`subject ${LOCAL_MANAGED_IDENTITY.principalId}`);
    // Without a working credential Graph cannot be asked; the registration checks say so.
    expect(find(results, 'App registration')).toMatchObject({ status: 'skip' });
  });

  test('Cosmos: a database that does not exist, and an endpoint that does not answer, name the setting', async () => {
    // The in-process Cosmos server accepts any key, so a wrong key cannot be caused here; a wrong
    // database and an unreachable endpoint are the failures it can really produce.
    const missing = find(await run({ COSMOS_DATABASE: 'no-such-db' }), 'Cosmos DB');
    expect(missing).toMatchObject({ status: 'fail', detail: expect.stringContaining('"no-such-db"') });
    expect(missing.fix).toContain('COSMOS_DATABASE');
    const down = find(await run({ COSMOS_ENDPOINT: 'http://127.0.0.1:9/' }), 'Cosmos DB');
    expect(down.status).toBe('fail');
    expect(down.fix).toContain('COSMOS_ENDPOINT');
  }, 60_000);

  test('a wrong MCP extension key', async () => {
    const results = await run({ MCP_EXTENSION_KEY: 'not-the-key' });
    const check = find(results, 'MCP extension');
    expect(check).toMatchObject({ status: 'fail', detail: expect.stringContaining('refused MCP_EXTENSION_KEY (401)') });
    expect(check.fix).toContain('mcp_extension');
    expect(formatReport(results)).not.toContain('not-the-key');
  });

  test("npm run doctor -- --local: the CLI reads the running stack's settings file; exit 0 when all pass, 1 without a stack", async () => {
    const cli = fileURLToPath(new URL('../../src/doctor/cli.js', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
    const runCli = () =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile(process.execPath, [cli, '--local'], { cwd: dir }, (err, stdout, stderr) =>
          resolve({ code: err ? Number(err.code) : 0, out: stdout + stderr }),
        );
      });
    try {
      const missing = await runCli();
      expect(missing).toEqual({ code: 1, out: expect.stringContaining('No running local stack found') });
      writeLocalStackSettings(stack.env, join(dir, '.local-stack.json'));
      const ran = await runCli();
      expect(ran.out).toContain('Every check passed.');
      expect(ran.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
