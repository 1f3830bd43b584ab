// StrykerJS configuration for `npm run mutate` (see docs/testing.md). Stryker copies the project into a
// sandbox, writes the mutants into the TypeScript sources there (all at once, switched at run time), runs
// `tsc` in the sandbox and then jest on the sandbox's compiled `dist/test`, the same way `npm test` does.
// scripts/mutate.mjs runs it once per module, naming the module in MUTATE_MODULE.
import { MUTATION_MODULES } from './mutation-modules.mjs';

const name = process.env.MUTATE_MODULE ?? '';
const module = MUTATION_MODULES[name];
if (!module) throw new Error(`MUTATE_MODULE must be one of ${Object.keys(MUTATION_MODULES).join(', ')}; run "npm run mutate [module…]".`);

const compiled = (test) => `<rootDir>/dist/${test.replace(/\.ts$/, '.js')}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: [module.source],
  testRunner: 'jest',
  // jose and the MCP SDK are ESM-only, so jest runs the compiled tests as native ES modules.
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: {
    projectType: 'custom',
    // Jest's related-test search reads the import graph of dist/, where the mutated source is compiled
    // JavaScript; the module's own test list is given instead.
    enableFindRelatedTests: false,
    config: {
      testEnvironment: 'node',
      roots: ['<rootDir>/dist/test'],
      testMatch: module.tests.map(compiled),
      moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/dist/src/local/host/functions-core.cjs' },
      testTimeout: 30000,
    },
  },
  // Stryker marks the mutated file `// @ts-nocheck`, so tsc compiles every mutant.
  buildCommand: 'npx tsc -p tsconfig.json',
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 20000,
  ignorePatterns: ['/dist', '/test-artifacts', '/.azurite', '/__azurite_db*', '/__blobstorage__', '/__queuestorage__', '/docs', '/infra', '/.azure'],
  tempDirName: 'test-artifacts/stryker-tmp',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  // The console lists each surviving mutant and the score table, not every test.
  clearTextReporter: { logTests: false, reportTests: false },
  htmlReporter: { fileName: `test-artifacts/mutation/${name}.html` },
  jsonReporter: { fileName: `test-artifacts/mutation/${name}.json` },
  thresholds: { high: 90, low: 80, break: null },
  cleanTempDir: true,
};
