import { ConfigError, loadConfig, settings } from '../../src/config/index.js';
import { testEnv as validEnv } from '../support/env.js';

function problemsOf(env: NodeJS.ProcessEnv): { setting: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  test('a valid local configuration loads with defaults applied', () => {
    const config = loadConfig(validEnv());
    expect(config.mcpResource).toBe('http://localhost:7071/mcp');
    expect(config.entra.apiScope).toBe('11111111-1111-4111-8111-111111111111/access_as_user');
    expect(config.entra.allowedTenants).toEqual(['00000000-0000-4000-8000-000000000001']);
    expect(config.tokens.accessTokenTtlSeconds).toBe(3600);
    expect(config.tokens.encryptionKeys[0]!.kid).toBe('k1');
    expect(config.mcpExtension.url).toBe('http://localhost:7071/runtime/webhooks/mcp');
  });

  test('a missing required setting is named with its fix', () => {
    const env = validEnv();
    delete env.ENTRA_CLIENT_ID;
    const [problem] = problemsOf(env);
    expect(problem!.setting).toBe('ENTRA_CLIENT_ID');
    expect(problem!.message).toContain('is not set');
    expect(problem!.message).toContain('Application (client) ID');
  });

  test('every missing required setting is reported at once', () => {
    const settingsNamed = problemsOf({}).map((p) => p.setting);
    const required = Object.entries(settings)
      .filter(([, s]) => s.required === 'always')
      .map(([n]) => n);
    expect(settingsNamed.sort()).toEqual(required.sort());
  });

  test('a malformed GUID is refused and the value shown', () => {
    const [problem] = problemsOf({ ...validEnv(), ENTRA_TENANT_ID: 'contoso' });
    expect(problem).toEqual({ setting: 'ENTRA_TENANT_ID', message: expect.stringContaining('must be a GUID (got "contoso")') });
  });

  test('a malformed secret is refused without echoing it', () => {
    const [problem] = problemsOf({ ...validEnv(), TOKEN_ENCRYPTION_KEYS: 'k1:c2hvcnQ' });
    expect(problem!.setting).toBe('TOKEN_ENCRYPTION_KEYS');
    expect(problem!.message).toContain('kid:<32 random bytes, base64url>');
    expect(problem!.message).not.toContain('c2hvcnQ');
  });

  test('duplicate key ids in the key ring are refused', () => {
    const key = Buffer.alloc(32, 3).toString('base64url');
    const [problem] = problemsOf({ ...validEnv(), TOKEN_ENCRYPTION_KEYS: `k1:${key},k1:${key}` });
    expect(problem!.message).toContain('unique');
  });

  test('a number out of range is refused', () => {
    const [problem] = problemsOf({ ...validEnv(), ACCESS_TOKEN_TTL_SECONDS: '5' });
    expect(problem!.setting).toBe('ACCESS_TOKEN_TTL_SECONDS');
    expect(problem!.message).toContain('between 60 and 86400');
  });

  test('a boolean that is not true/false is refused', () => {
    const [problem] = problemsOf({ ...validEnv(), ACCEPT_ENTRA_TOKENS: 'yes' });
    expect(problem).toEqual({ setting: 'ACCEPT_ENTRA_TOKENS', message: expect.stringContaining('must be "true" or "false"') });
  });

  test('dev mode refuses to start in Azure', () => {
    const [problem] = problemsOf({
      ...validEnv(),
      WEBSITE_INSTANCE_ID: 'abc',
      MANAGED_IDENTITY_CLIENT_ID: '22222222-2222-4222-8222-222222222222',
      MCP_EXTENSION_KEY: 'k',
    });
    expect(problem!.setting).toBe('GATEWAY_MODE');
    expect(problem!.message).toContain('runs in Azure');
  });

  test('settings required in Azure are reported there', () => {
    const names = problemsOf({
      ...validEnv(),
      GATEWAY_MODE: 'azure',
      ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.com',
      WEBSITE_INSTANCE_ID: 'abc',
    }).map((p) => p.setting);
    expect(names).toEqual(expect.arrayContaining(['MANAGED_IDENTITY_CLIENT_ID', 'MCP_EXTENSION_KEY']));
  });

  test('an emulator authority is refused outside dev mode', () => {
    const [problem] = problemsOf({ ...validEnv(), GATEWAY_MODE: 'azure' });
    expect(problem!.setting).toBe('ENTRA_AUTHORITY_HOST');
    expect(problem!.message).toContain('https://login.microsoftonline.com');
  });

  test('a plain-http public base URL is refused', () => {
    const [problem] = problemsOf({ ...validEnv(), GATEWAY_BASE_URL: 'http://gateway.example.com' });
    expect(problem!.setting).toBe('GATEWAY_BASE_URL');
    expect(problem!.message).toContain('must use https');
  });

  test('a base URL with a path is refused', () => {
    const [problem] = problemsOf({ ...validEnv(), GATEWAY_BASE_URL: 'https://gateway.example.com/app' });
    expect(problem!.message).toContain('origin without path');
  });

  test('the secret credential needs the secret', () => {
    const [problem] = problemsOf({ ...validEnv(), ENTRA_CREDENTIAL: 'secret' });
    expect(problem!.setting).toBe('ENTRA_CLIENT_SECRET');
  });

  test('CIMD on loopback is refused outside dev mode', () => {
    const env = { ...validEnv(), GATEWAY_MODE: 'azure', ENTRA_AUTHORITY_HOST: 'https://login.microsoftonline.com', CIMD_ALLOW_LOOPBACK: 'true' };
    const [problem] = problemsOf(env);
    expect(problem!.setting).toBe('CIMD_ALLOW_LOOPBACK');
  });

  test('MCP_ALLOWED_ORIGINS takes origins only, kept in their serialised form', () => {
    expect(loadConfig({ ...validEnv(), MCP_ALLOWED_ORIGINS: 'https://App.example, http://localhost:6274/' }).mcpAllowedOrigins).toEqual([
      'https://app.example',
      'http://localhost:6274',
    ]);
    const [problem] = problemsOf({ ...validEnv(), MCP_ALLOWED_ORIGINS: 'https://app.example/path' });
    expect(problem!.setting).toBe('MCP_ALLOWED_ORIGINS');
    expect(problem!.message).toContain('not an origin');
  });

  test('REFRESH_TOKEN_GRACE_SECONDS defaults to 60 and is bounded', () => {
    expect(loadConfig(validEnv()).tokens.refreshTokenGraceSeconds).toBe(60);
    expect(problemsOf({ ...validEnv(), REFRESH_TOKEN_GRACE_SECONDS: '3600' })[0]!.setting).toBe('REFRESH_TOKEN_GRACE_SECONDS');
  });

  test('a malformed group map is refused', () => {
    const [problem] = problemsOf({ ...validEnv(), GROUP_PERMISSIONS: '{"not-a-guid":["x"]}' });
    expect(problem!.setting).toBe('GROUP_PERMISSIONS');
  });
});
