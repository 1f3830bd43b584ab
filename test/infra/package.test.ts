import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUNDLE_ENTRY, packageApp, type PackageResult } from '../../scripts/package.js';
import { azureLikeEnv } from './azure-env.js';
import { readRepoFile, repoPath } from './repo.js';

/** `npm run package` into a temporary folder (the same function the script runs). */
let result: PackageResult;
let outDir: string;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), 'mcp-gateway-deploy-'));
  result = await packageApp(outDir);
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const MAX_BYTES = 10 * 1024 * 1024;

describe('npm run package: the deployment artifact', () => {
  test('holds package.json, host.json, the bundle and its chunks and source maps; nothing else', () => {
    const unexpected = result.files.filter(
      (f) => !['package.json', 'host.json', BUNDLE_ENTRY, `${BUNDLE_ENTRY}.map`].includes(f) && !/^(index\.js\.LEGAL\.txt|chunks\/[\w-]+\.js(\.map|\.LEGAL\.txt)?)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(result.files).toEqual(expect.arrayContaining(['package.json', 'host.json', BUNDLE_ENTRY, `${BUNDLE_ENTRY}.map`]));
    expect(result.files.some((f) => f.startsWith('node_modules/'))).toBe(false);
  });

  test('package.json: an ES module whose main is the bundle, with nothing to install', () => {
    const pkg = JSON.parse(readFileSync(path.join(outDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ type: 'module', main: BUNDLE_ENTRY });
    expect(pkg.dependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined(); // azd must not run a build inside the artifact
    expect(existsSync(path.join(outDir, pkg.main as string))).toBe(true);
    expect(pkg.engines).toEqual((JSON.parse(readRepoFile('package.json')) as { engines: unknown }).engines);
  });

  test('host.json is the repository\'s', () => {
    expect(readFileSync(path.join(outDir, 'host.json'), 'utf8')).toBe(readRepoFile('host.json'));
  });

  test(`stays under ${MAX_BYTES / 1024 / 1024} MB, source maps included`, () => {
    expect(result.bytes).toBeLessThanOrEqual(MAX_BYTES);
  });

  test('bundles @azure/functions; leaves only the worker-supplied @azure/functions-core as a bare import', () => {
    expect(result.inputs.some((f) => f.includes('node_modules/@azure/functions/'))).toBe(true);
    const packages = result.externals.filter((s) => !isBuiltin(s));
    expect(packages).toEqual(['@azure/functions-core']);
  });

  test('leaves out the local stack, the MCP SDK and the test tooling', () => {
    const offenders = result.inputs.filter((f) =>
      /(^|\/)src\/local\/|@modelcontextprotocol|@zeit\/cosmosdb-server|node_modules\/(jest|azurite|playwright-core|typescript)\//.test(f),
    );
    expect(offenders).toEqual([]);
  });
});

describe('cold start: what the entry loads at import', () => {
  test('not MSAL, @azure/identity or the MCP SDK: they load on first use (or never, in Azure)', () => {
    const lazy = result.startupInputs.filter((f) => /node_modules\/(@azure\/identity|@azure\/msal-node|@azure\/msal-common|@modelcontextprotocol)\//.test(f));
    expect(lazy).toEqual([]);
    // ...while they are in the package, for when they are needed.
    expect(result.inputs.some((f) => f.includes('node_modules/@azure/msal-node/'))).toBe(true);
    expect(result.inputs.some((f) => f.includes('node_modules/@azure/identity/'))).toBe(true);
    expect(result.startupInputs.some((f) => f.includes('node_modules/@azure/functions/'))).toBe(true);
  });

  test('not the Cosmos DB SDK: the first request that reads or writes loads it (lazy-containers.ts)', () => {
    expect(result.startupInputs.filter((f) => /node_modules\/@azure\/(cosmos|core-rest-pipeline)\//.test(f))).toEqual([]);
    expect(result.inputs.some((f) => f.includes('node_modules/@azure/cosmos/'))).toBe(true);
  });

  test("not zod's forty translations or its JSON Schema import (`import * as z`: only what the schemas use)", () => {
    const unused = result.startupInputs.filter((f) => /node_modules\/zod\/.*\/(locales\/(?!en\.)|from-json-schema)/.test(f));
    expect(unused).toEqual([]);
  });
});

describe('the bundle registers exactly what the unbundled build registers', () => {
  const env = azureLikeEnv();

  interface Loaded {
    model: string;
    streams: boolean;
    registrations: { name: string; bindings: Record<string, Record<string, unknown>> }[];
  }

  /** Loads `entry` through the local host's app loader in a fresh process. */
  function load(entry: string): Loaded {
    const child = spawnSync(process.execPath, [repoPath('dist/test/infra/registrations-child.js'), entry], { env, encoding: 'utf8', timeout: 30_000 });
    const line = /^REGISTRATIONS=(.*)$/m.exec(child.stdout ?? '');
    if (child.status !== 0 || !line) throw new Error(`loading ${entry} failed (exit ${child.status}): ${child.stderr}`);
    return JSON.parse(line[1]!) as Loaded;
  }

  test('same functions, routes, methods, auth levels and MCP tool names, in the same order', () => {
    const bundled = load(path.join(outDir, BUNDLE_ENTRY));
    const unbundled = load(repoPath('dist/src/index.js'));
    expect(bundled).toEqual(unbundled);
    // And the comparison has substance: the gateway's HTTP routes and its MCP tools are there.
    const triggers = bundled.registrations.map((r) => Object.values(r.bindings).find((b) => String(b.type).endsWith('Trigger'))!);
    expect(triggers.filter((t) => t.type === 'httpTrigger').map((t) => t.route)).toEqual(expect.arrayContaining(['mcp', 'token', 'health']));
    expect(triggers.filter((t) => t.type === 'mcpToolTrigger').map((t) => t.toolName)).toEqual(expect.arrayContaining(['whoami', 'get_graph_user_details']));
    expect(bundled.streams).toBe(true); // app.setup({ enableHttpStream: true }) took effect in the bundle too
  });
});
