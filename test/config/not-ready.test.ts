import { ConfigError, loadConfig } from '../../src/config/index.js';
import { describeNotReady } from '../../src/config/not-ready.js';
import { testEnv } from '../support/env.js';

const reference = (name: string) => `@Microsoft.KeyVault(SecretUri=https://kv-test.vault.azure.net/secrets/${name})`;

function problemsOf(env: NodeJS.ProcessEnv) {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config: an app setting that is still an unresolved Key Vault reference', () => {
  test('is a problem of its own, even where any string would pass (MCP_EXTENSION_KEY would be sent as the key)', () => {
    expect(loadConfig(testEnv({ MCP_EXTENSION_KEY: 'any-string-is-a-key' })).mcpExtension.key).toBe('any-string-is-a-key');
    const problems = problemsOf(testEnv({ MCP_EXTENSION_KEY: reference('mcp-extension-key') }));
    expect(problems.map((p) => p.setting)).toEqual(['MCP_EXTENSION_KEY']);
    expect(problems[0]!.message).toMatch(/^is still an unresolved reference .*Key Vault Secrets User.*restart the app\. .*postdeploy/);
  });

  test('named once per setting, in any letter case, App Configuration references too', () => {
    const problems = problemsOf(
      testEnv({
        TOKEN_ENCRYPTION_KEYS: reference('token-encryption-keys'),
        COOKIE_SECRET: '@microsoft.keyvault(VaultName=kv;SecretName=cookie)',
        GRAPH_BASE_URL: '@Microsoft.AppConfiguration(Endpoint=https://x.azconfig.io; Key=graph)',
      }),
    );
    expect(problems.map((p) => p.setting).sort()).toEqual(['COOKIE_SECRET', 'GRAPH_BASE_URL', 'TOKEN_ENCRYPTION_KEYS']);
    expect(problems.every((p) => p.message.startsWith('is still an unresolved reference'))).toBe(true);
  });
});

describe('describeNotReady: what the log and the 503 say', () => {
  test('a configuration error: the log lists each problem with its fix and how to recover; the body names only the settings', () => {
    const notReady = describeNotReady(new ConfigError([{ setting: 'COOKIE_SECRET', message: 'is not set. Fix: generate one.' }]));
    expect(notReady.settings).toEqual(['COOKIE_SECRET']);
    expect(notReady.log).toContain('  - COOKIE_SECRET: is not set. Fix: generate one.');
    expect(notReady.log).toContain('restart it');
    expect(notReady.description).toBe("The gateway's configuration is not ready (COOKIE_SECRET). The operator's log says what to change; try again later.");
  });

  test('any other start-up failure: its message in the log, nothing of it in the body', () => {
    const notReady = describeNotReady(new TypeError('cannot read the certificate'));
    expect(notReady.settings).toEqual([]);
    expect(notReady.log).toContain('could not start (TypeError: cannot read the certificate)');
    expect(notReady.description).not.toContain('certificate');
  });
});
