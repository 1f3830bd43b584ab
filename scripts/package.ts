// `npm run package`: builds what azd deploys into dist/deploy/ (azure.yaml `dist`): host.json, a
// package.json whose `main` is the bundle, and the bundle itself (esbuild, ESM, source map). Nothing else,
// in particular no node_modules: the bundle carries every dependency, `@azure/functions` included.
// docs/deploy.md explains the choices; test/infra/package.test.ts checks the result.
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

/** The repository root (this file runs from dist/scripts/). */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The bundle's file name inside the package (package.json `main`). */
export const BUNDLE_ENTRY = 'index.js';

/**
 * The one module the Functions Node worker supplies at run time (it patches `Module.prototype.require`
 * to answer it); it is not on npm, so it must stay a bare `require` in the bundle.
 */
export const WORKER_PROVIDED = ['@azure/functions-core'];

/**
 * CommonJS packages in an ESM bundle call `require` (for Node built-ins and for `@azure/functions-core`);
 * ESM has none, so the bundle gets a real one. A `require` made by `createRequire` goes through
 * `Module.prototype.require`, which is where the worker answers `@azure/functions-core`.
 */
const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export interface PackageResult {
  outDir: string;
  files: string[];
  bytes: number;
  /** Every source file the bundle holds (repository-relative, as esbuild names them). */
  inputs: string[];
  /** The source files loaded when the entry is imported (the others wait in chunks for a dynamic import). */
  startupInputs: string[];
  /** What the bundle leaves to the runtime: Node built-ins and `WORKER_PROVIDED`. */
  externals: string[];
}

/** Bundles `src/index.ts` into `outDir` (emptied first) and writes its package.json and host.json beside it. */
export async function packageApp(outDir: string = path.join(repoRoot, 'dist/deploy')): Promise<PackageResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const { metafile } = await build({
    metafile: true,
    absWorkingDir: repoRoot,
    entryPoints: { index: 'src/index.ts' },
    outdir: outDir,
    // Dynamic imports (MSAL, @azure/identity: loaded on first use, not at start-up) become their own
    // chunks, so a cold start parses only what the entry needs.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Prefer the ESM build of packages that ship both.
    mainFields: ['module', 'main'],
    external: WORKER_PROVIDED,
    banner: { js: REQUIRE_SHIM },
    sourcemap: 'linked',
    // Mappings only: stack traces resolve to file and line; the sources themselves stay out of the package.
    sourcesContent: false,
    minify: true,
    // Error names and stack frames stay readable in Application Insights.
    keepNames: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const rootPackage = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const deployPackage = {
    name: rootPackage.name,
    version: rootPackage.version,
    private: true,
    type: 'module',
    main: BUNDLE_ENTRY,
    engines: rootPackage.engines,
  };
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(deployPackage, null, 2)}\n`);
  copyFileSync(path.join(repoRoot, 'host.json'), path.join(outDir, 'host.json'));
  const files = listFiles(outDir);
  const bytes = files.reduce((sum, f) => sum + statSync(path.join(outDir, f)).size, 0);
  const externals = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
  return {
    outDir,
    files,
    bytes,
    inputs: Object.keys(metafile.inputs),
    startupInputs: staticClosure(metafile, path.join(outDir, BUNDLE_ENTRY)),
    externals: [...externals].sort(),
  };
}

/** The inputs of `entry`'s output and of every chunk it imports statically, transitively. */
function staticClosure(metafile: Metafile, entry: string): string[] {
  const outputs = new Map(Object.entries(metafile.outputs).map(([file, output]) => [path.resolve(repoRoot, file), output]));
  const seen = new Set<string>();
  const inputs = new Set<string>();
  const visit = (file: string) => {
    const output = outputs.get(file);
    if (!output || seen.has(file)) return;
    seen.add(file);
    for (const input of Object.keys(output.inputs)) inputs.add(input);
    for (const i of output.imports) if (i.kind === 'import-statement' && !i.external) visit(path.resolve(repoRoot, i.path));
  };
  visit(path.resolve(entry));
  return [...inputs].sort();
}

function listFiles(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(root, rel) : [rel];
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  packageApp().then(
    ({ outDir, files, bytes }) => {
      console.log(`${path.relative(repoRoot, outDir)}/: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(2)} MB`);
    },
    (error: unknown) => {
      console.error('package failed:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
