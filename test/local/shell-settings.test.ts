import { describeOverrides, overriddenShellSettings } from '../../src/local/shell-settings.js';

describe('npm start: settings from the shell that the local stack replaces', () => {
  const applied = { COSMOS_ENDPOINT: 'https://127.0.0.1:8081', GATEWAY_MODE: 'dev', COOKIE_SECRET: 'local' };

  test('named when the shell had another value; same or empty values and unrelated variables are not', () => {
    const shell = { COSMOS_ENDPOINT: 'https://real.documents.azure.com', GATEWAY_MODE: 'dev', COOKIE_SECRET: '', HOME: '/root' };
    expect(overriddenShellSettings(shell, applied)).toEqual(['COSMOS_ENDPOINT']);
    expect(overriddenShellSettings({}, applied)).toEqual([]);
  });

  test('the message names the settings, never their values', () => {
    const text = describeOverrides(overriddenShellSettings({ COSMOS_ENDPOINT: 'https://real.documents.azure.com', COOKIE_SECRET: 's3cret' }, applied));
    expect(text).toContain('COOKIE_SECRET, COSMOS_ENDPOINT');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('real.documents');
    expect(describeOverrides([])).toBeUndefined();
  });
});
