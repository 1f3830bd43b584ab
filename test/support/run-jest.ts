// `npm test [-- paths or jest options]`: jest on the compiled tests, with source paths translated
// (see jest-args.ts). Run with `node --experimental-vm-modules`, as jest needs for native ES modules.
// jest is CommonJS: only its default export has `run` under Node's ES-module loader.
import jest from 'jest';
import { compiledTestArgs } from './jest-args.js';

await jest.run(compiledTestArgs(process.argv.slice(2)));
