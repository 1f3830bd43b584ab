// `npm run test:browser`: the tests that drive a real Chromium (Debian's /usr/bin/chromium, installed by
// .ci/browser-deps.sh) through the consent page, the Entra emulator's sign-in page and MCP Inspector.
// Kept out of the default run (jest.config.js ignores dist/test/browser) because Chromium is a system package.
import base from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/dist/test/browser'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
  // One browser and one Inspector at a time: Inspector's ports are fixed by its redirect URI.
  maxWorkers: 1,
};
