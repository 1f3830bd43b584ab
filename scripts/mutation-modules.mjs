// The security-critical modules `npm run mutate` knows, each with the tests that exercise it (those
// run for every mutant; add a test file here when it is written for the module).
export const MUTATION_MODULES = {
  pkce: {
    source: 'src/oauth/pkce.ts',
    tests: ['test/oauth/pkce.test.ts', 'test/oauth/tokens/opaque.test.ts'],
  },
  paths: {
    source: 'src/mcp/paths.ts',
    tests: ['test/mcp/paths.test.ts', 'test/mcp/paths.property.test.ts'],
  },
  'sse-endpoint': {
    source: 'src/mcp/sse-endpoint.ts',
    tests: ['test/mcp/sse-endpoint.test.ts'],
  },
  'session-header': {
    source: 'src/mcp/session-header.ts',
    tests: ['test/mcp/session-header.test.ts', 'test/mcp/tool-context.test.ts'],
  },
  'refresh-rotation': {
    source: 'src/oauth/tokens/refresh-rotation.ts',
    tests: ['test/oauth/tokens/refresh-rotation.test.ts', 'test/oauth/grants.test.ts'],
  },
  'address-policy': {
    source: 'src/net/address-policy.ts',
    tests: ['test/net/address-policy.test.ts'],
  },
  'redirect-uri': {
    source: 'src/oauth/redirect-uri.ts',
    tests: ['test/oauth/redirect-uri.test.ts', 'test/oauth/redirect-uri.property.test.ts'],
  },
};
