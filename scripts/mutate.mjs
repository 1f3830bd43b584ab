// `npm run mutate [module…] [-- stryker options]`: mutation testing of the named modules (all of
// scripts/mutation-modules.mjs when none is named), one Stryker run per module, one after the other.
// Slow (minutes per module on two cores) and not part of `npm test` or CI. Reports go to
// test-artifacts/mutation/<module>.html and .json.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MUTATION_MODULES } from './mutation-modules.mjs';

const args = process.argv.slice(2);
const options = args.filter((a) => a.startsWith('-'));
const named = args.filter((a) => !a.startsWith('-'));
const unknown = named.filter((n) => !Object.hasOwn(MUTATION_MODULES, n));
if (unknown.length > 0) {
  console.error(`Unknown module ${unknown.join(', ')}. Known: ${Object.keys(MUTATION_MODULES).join(', ')}.`);
  process.exit(2);
}
// The package exports no bin path, so the CLI is run from its file.
const stryker = fileURLToPath(new URL('../node_modules/@stryker-mutator/core/bin/stryker.js', import.meta.url));
let failed = false;
for (const name of named.length > 0 ? named : Object.keys(MUTATION_MODULES)) {
  console.log(`\n== mutation testing: ${name} (${MUTATION_MODULES[name].source}) ==`);
  const run = spawnSync(process.execPath, [stryker, 'run', 'scripts/stryker.config.mjs', ...options], {
    stdio: 'inherit',
    env: { ...process.env, MUTATE_MODULE: name },
  });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
