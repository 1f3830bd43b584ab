import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { azureLikeEnv } from './azure-env.js';
import { isIgnored, parseFuncignore } from './funcignore.js';
import { readRepoFile, repoPath, repoRoot } from './repo.js';

const rules = parseFuncignore(readRepoFile('.funcignore'));
const packageMain = (JSON.parse(readRepoFile('package.json')) as { main: string }).main;

/** Every file under `dir` (relative posix paths), not descending into the directories in `skip`. */
function walk(root: string, dir = '', skip: string[] = []): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (skip.includes(rel)) return [];
    return entry.isDirectory() ? walk(root, rel, skip) : [rel];
  });
}

/**
 * The repository's own files: tracked by git, or written by the build (dist/). A developer's untracked
 * scratch files are theirs to keep out of a root publish (docs/deploy.md says so); the artifact azd
 * deploys, dist/deploy, is built from an include list and has none (test/infra/package.test.ts).
 */
const tracked = new Set(spawnSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' }).stdout.split('\n').filter(Boolean));
const ownFile = (f: string) => tracked.size === 0 || tracked.has(f) || f.startsWith('dist/');

/** The files the deployment package holds, node_modules aside (checked separately). */
const deployed = walk(repoRoot, '', ['node_modules', '.git']).filter((f) => ownFile(f) && !isIgnored(rules, f));

describe('.funcignore: what the deployment package holds', () => {
  test('the local stack, compiled tests, sources and tests are left out', () => {
    for (const dir of ['dist/src/local', 'dist/test', 'src', 'test', 'bench', 'infra', 'docs', 'scripts', '.ci']) {
      expect({ dir, ignored: isIgnored(rules, `${dir}/any.js`) }).toEqual({ dir, ignored: true });
    }
    for (const file of ['local.settings.json', 'local.settings.sample.json', 'dist/src/index.js.map', 'azure.yaml', 'tsconfig.json']) {
      expect({ file, ignored: isIgnored(rules, file) }).toEqual({ file, ignored: true });
    }
  });

  test('exactly dist/src (without dist/src/local), host.json and package.json, besides node_modules', () => {
    const outside = deployed.filter(
      (f) => !(f === 'host.json' || f === 'package.json' || (f.startsWith('dist/src/') && !f.startsWith('dist/src/local/'))),
    );
    expect(outside).toEqual([]);
    expect(deployed).toEqual(expect.arrayContaining(['host.json', 'package.json', packageMain]));
    expect(deployed.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(3);
  });

  test('node_modules goes in whole: no rule reaches into a package, except source maps', () => {
    expect(isIgnored(rules, 'node_modules', true)).toBe(false);
    const dropped = walk(repoPath('node_modules'), '', ['.cache', '.bin'])
      .map((f) => `node_modules/${f}`)
      .filter((f) => isIgnored(rules, f) && !f.endsWith('.map'));
    expect(dropped).toEqual([]);
  });

  test('nothing deployed imports the local stack', () => {
    const offenders: string[] = [];
    for (const file of deployed.filter((f) => f.endsWith('.js') || f.endsWith('.cjs') || f.endsWith('.mjs'))) {
      const text = readFileSync(repoPath(file), 'utf8');
      const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
      for (const spec of specifiers.filter((s) => s.startsWith('.'))) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
        if (target === 'dist/src/local' || target.startsWith('dist/src/local/')) offenders.push(`${file} -> ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('the deployed package loads on its own', () => {
  let packageDir: string;
  let fakeCoreDir: string;

  beforeAll(() => {
    packageDir = mkdtempSync(path.join(tmpdir(), 'mcp-gateway-package-'));
    for (const file of deployed) {
      mkdirSync(path.dirname(path.join(packageDir, file)), { recursive: true });
      copyFileSync(repoPath(file), path.join(packageDir, file));
    }
    symlinkSync(repoPath('node_modules'), path.join(packageDir, 'node_modules'), 'dir');

    // Stands in for the module the Functions worker supplies; records what the app registers.
    fakeCoreDir = mkdtempSync(path.join(tmpdir(), 'mcp-gateway-core-'));
    mkdirSync(path.join(fakeCoreDir, '@azure/functions-core'), { recursive: true });
    writeFileSync(
      path.join(fakeCoreDir, '@azure/functions-core/index.js'),
      `const fs = require('node:fs');
const registered = [];
module.exports = {
  log() {},
  setProgrammingModel() {},
  getProgrammingModel() {},
  registerHook() { return { dispose() {} }; },
  registerFunction(metadata) { registered.push(metadata.name); return { dispose() {} }; },
};
process.on('exit', () => fs.writeFileSync(process.env.REGISTERED_OUT, JSON.stringify(registered)));
`,
    );
    // Fails any attempt to open a socket while the app loads: loading must not contact Azure or Entra.
    writeFileSync(
      path.join(fakeCoreDir, 'no-network.mjs'),
      `import net from 'node:net';
net.Socket.prototype.connect = function () { process.stderr.write('NETWORK ATTEMPT during load\\n'); throw new Error('network access during load'); };
`,
    );
  });

  afterAll(() => {
    rmSync(packageDir, { recursive: true, force: true });
    rmSync(fakeCoreDir, { recursive: true, force: true });
  });

  function load(root: string, extraEnv: Record<string, string> = {}) {
    const result = spawnSync(process.execPath, ['--import', `file://${path.join(fakeCoreDir, 'no-network.mjs')}`, path.join(root, packageMain)], {
      cwd: root,
      env: { ...azureLikeEnv(), ...extraEnv },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: result.status, signal: result.signal, output: `${result.stdout}\n${result.stderr}` };
  }

  test('without a Functions worker: exits 0 in test mode, with no missing module and no network access', () => {
    const { status, signal, output } = load(packageDir);
    expect({ status, signal }).toEqual({ status: 0, signal: null });
    expect(output).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module|Cannot find package/);
    expect(output).not.toContain('NETWORK ATTEMPT');
    expect(output).not.toMatch(/ConfigError|is not set/);
    // @azure/functions found no worker and says so; every registration is then skipped with a warning.
    expect(output).toContain('Switching "@azure/functions" package to test mode');
    expect(output).toContain('Skipping call to register function "health"');
  });

  test('with a worker: registers the same functions as the full build tree', () => {
    const registered = (root: string) => {
      const out = path.join(fakeCoreDir, `registered-${path.basename(root)}.json`);
      const { status, output } = load(root, { NODE_PATH: fakeCoreDir, REGISTERED_OUT: out });
      expect({ status, output: output.includes('NETWORK ATTEMPT') ? output : '' }).toEqual({ status: 0, output: '' });
      return (JSON.parse(readFileSync(out, 'utf8')) as string[]).sort();
    };
    const fromPackage = registered(packageDir);
    expect(fromPackage).toEqual(expect.arrayContaining(['health', 'landing']));
    expect(fromPackage).toEqual(registered(repoRoot));
  });
});
