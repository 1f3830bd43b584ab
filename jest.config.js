// Tests are compiled by `tsc` first (see `npm test`) and run as native ES modules, because jose 6 is
// ESM-only. `@azure/functions-core` is the module the Functions worker supplies at run time; the local
// host supplies it here the same way `src/local/host/core-hook` does outside jest.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  // Browser tests need Chromium (a system package): `npm run test:browser`, with jest.browser.config.js.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/test/browser/'],
  moduleNameMapper: {
    '^@azure/functions-core$': '<rootDir>/dist/src/local/host/functions-core.cjs',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};
