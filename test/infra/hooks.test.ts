import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createAzStub, type AzStub } from './az-stub.js';
import { readRepoFile } from './repo.js';

// The azd hooks in scripts/, run with sh against a recording stand-in for `az` (test/infra/az-stub.ts).
// No wall-clock waits: the hooks' retry pause is a setting, 0 here.

const deployEnv = {
  AZURE_RESOURCE_GROUP: 'rg-test',
  AZURE_FUNCTION_APP_NAME: 'func-test',
  AZURE_KEY_VAULT_NAME: 'kv-test',
  MCP_EXTENSION_KEY_SECRET_NAME: 'mcp-extension-key',
  GATEWAY_BASE_URL: 'https://func-test.azurewebsites.net',
  MCP_URL: 'https://func-test.azurewebsites.net/mcp',
  ENTRA_APPLICATION_ID: '11111111-1111-4111-8111-111111111111',
  POSTDEPLOY_ATTEMPTS: '5',
  POSTDEPLOY_WAIT_SECONDS: '0',
};

const keysList = 'functionapp keys list -g rg-test -n func-test --query systemKeys.mcp_extension -o tsv';
const secretShow = 'keyvault secret show --vault-name kv-test --name mcp-extension-key --query value -o tsv';
const restart = 'functionapp restart -g rg-test -n func-test -o none';
const isSecretSet = (call: string) => call.startsWith('keyvault secret set --vault-name kv-test --name mcp-extension-key --file ');

describe('scripts/postdeploy.sh: the platform-generated mcp_extension key reaches Key Vault', () => {
  let az: AzStub;
  // Shaped like a host-generated key; the hook must treat it as opaque and never print it.
  const systemKey = randomBytes(40).toString('base64url');

  beforeEach(() => {
    az = createAzStub();
  });
  afterEach(() => az.close());

  test('first run: reads the key, writes it to Key Vault through a file, restarts once; a second run changes nothing', () => {
    az.write('system-key', systemKey);
    const first = az.run('scripts/postdeploy.sh', deployEnv);
    expect(first.status).toBe(0);
    expect(az.read('vault-secret')).toBe(systemKey); // exactly the key, no trailing newline
    const calls = az.calls();
    expect(calls.slice(0, 2)).toEqual([keysList, secretShow]);
    expect(calls.filter(isSecretSet)).toHaveLength(1);
    expect(calls.slice(-1)).toEqual([restart]);
    expect(first.stdout).toContain('copied the mcp_extension system key into Key Vault and restarted the app');
    // The key never appears in a command line or in the output, and the temporary file is gone.
    expect(calls.join('\n')).not.toContain(systemKey);
    expect(first.stdout + first.stderr).not.toContain(systemKey);
    expect(readdirSync(path.dirname(az.state)).sort()).toEqual(['bin', 'state']);
    expect(first.stdout).toContain('MCP URL: https://func-test.azurewebsites.net/mcp');

    const before = az.calls().length;
    const second = az.run('scripts/postdeploy.sh', deployEnv);
    expect(second.status).toBe(0);
    expect(az.calls().slice(before)).toEqual([keysList, secretShow]); // no write, no restart
    expect(second.stdout).toContain('Key Vault already holds the current mcp_extension key; nothing to change');
  });

  test('a key the host regenerated replaces the stale secret', () => {
    az.write('system-key', systemKey);
    az.write('vault-secret', 'stale-value');
    expect(az.run('scripts/postdeploy.sh', deployEnv).status).toBe(0);
    expect(az.read('vault-secret')).toBe(systemKey);
    expect(az.calls().filter((c) => c === restart)).toHaveLength(1);
  });

  test('waits for the host to create the key (waking it once with a request), and retries the write while the role applies', () => {
    az.write('system-key', systemKey);
    az.write('key-misses', '2');
    az.write('set-failures', '2');
    const result = az.run('scripts/postdeploy.sh', deployEnv);
    expect(result.status).toBe(0);
    const calls = az.calls();
    expect(calls.filter((c) => c === keysList)).toHaveLength(3);
    expect(calls.filter((c) => c.startsWith('curl '))).toEqual(['curl -s -o /dev/null --max-time 60 https://func-test.azurewebsites.net/health']);
    expect(calls.filter(isSecretSet)).toHaveLength(3);
    expect(az.read('vault-secret')).toBe(systemKey);
  });

  test('no key after every attempt: fails, names the app, and writes and restarts nothing', () => {
    const result = az.run('scripts/postdeploy.sh', deployEnv);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the Function App 'func-test' has no mcp_extension system key yet");
    expect(result.stderr).toContain('azd hooks run postdeploy');
    expect(az.calls().filter((c) => c === keysList)).toHaveLength(5);
    expect(az.calls().some((c) => isSecretSet(c) || c === restart)).toBe(false);
  });

  test('without the provision outputs it stops before calling az', () => {
    const result = az.run('scripts/postdeploy.sh', { ...deployEnv, AZURE_KEY_VAULT_NAME: '' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('run azd provision first');
    expect(az.calls()).toEqual([]);
  });
});

describe('scripts/postdown.sh: the app registration is deleted for good, so the environment can be deployed again', () => {
  let az: AzStub;
  const objectId = '22222222-2222-4222-8222-222222222222';
  const downEnv = {
    ENTRA_APPLICATION_ID: '11111111-1111-4111-8111-111111111111',
    ENTRA_APPLICATION_OBJECT_ID: objectId,
    POSTDOWN_ATTEMPTS: '3',
    POSTDOWN_WAIT_SECONDS: '0',
  };
  const purge = `rest --method DELETE --url https://graph.microsoft.com/v1.0/directory/deletedItems/${objectId}`;

  beforeEach(() => {
    az = createAzStub();
    az.write('app-active', '');
    az.write('app-object-id', objectId);
  });
  afterEach(() => az.close());

  test('deletes, then purges from deleted items; a second run finds nothing and succeeds', () => {
    const first = az.run('scripts/postdown.sh', downEnv);
    expect(first.status).toBe(0);
    expect(az.calls()).toEqual([`ad app delete --id ${downEnv.ENTRA_APPLICATION_ID}`, purge]);
    expect(first.stdout).toContain('Permanently deleted it');
    expect(az.read('app-soft-deleted')).toBeUndefined();

    const before = az.calls().length;
    const second = az.run('scripts/postdown.sh', downEnv);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('nothing to delete');
    // One look each, no waiting loop: it was not deleted by this run.
    expect(az.calls().slice(before).filter((c) => c === purge)).toHaveLength(1);
  });

  test('finds the object id itself when the environment lacks it', () => {
    const result = az.run('scripts/postdown.sh', { ...downEnv, ENTRA_APPLICATION_OBJECT_ID: '' });
    expect(result.status).toBe(0);
    expect(az.calls()[0]).toBe(`ad app show --id ${downEnv.ENTRA_APPLICATION_ID} --query id -o tsv`);
    expect(az.calls()).toContain(purge);
  });

  test('without the right to delete: says what to run and why, and does not fail azd down', () => {
    az.write('no-permission', '');
    const result = az.run('scripts/postdown.sh', downEnv);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('fails on its uniqueName');
    expect(result.stdout).toContain(`az ad app delete --id ${downEnv.ENTRA_APPLICATION_ID}`);
    expect(result.stdout).toContain(`az rest --method DELETE --url https://graph.microsoft.com/v1.0/directory/deletedItems/${objectId}`);
  });
});

describe('the PowerShell twins make the same calls', () => {
  const calls = (text: string) => ({
    keysList: text.includes('az functionapp keys list -g $rg -n $app --query systemKeys.mcp_extension -o tsv'),
    secretShow: text.includes('az keyvault secret show --vault-name $vault --name $secret --query value -o tsv'),
    secretSetFromFile: /az keyvault secret set --vault-name \$vault --name \$secret --file \$tmp\.FullName --encoding utf-8/.test(text),
    restart: text.includes('az functionapp restart -g $rg -n $app -o none'),
    attempts: text.includes('POSTDEPLOY_ATTEMPTS') && text.includes('POSTDEPLOY_WAIT_SECONDS'),
    consentVariable: text.includes('GRANT_ADMIN_CONSENT'),
  });

  test('postdeploy.ps1 and postdeploy.sh', () => {
    const shell = readRepoFile('scripts/postdeploy.sh');
    expect(shell).toContain('az functionapp keys list -g "$rg" -n "$app" --query systemKeys.mcp_extension -o tsv');
    expect(calls(readRepoFile('scripts/postdeploy.ps1'))).toEqual({
      keysList: true,
      secretShow: true,
      secretSetFromFile: true,
      restart: true,
      attempts: true,
      consentVariable: true,
    });
  });

  test('postdown.ps1 and postdown.sh', () => {
    for (const [file, deletedItems] of [
      ['scripts/postdown.sh', 'az rest --method DELETE --url "$graph/directory/deletedItems/$object_id"'],
      ['scripts/postdown.ps1', 'az rest --method DELETE --url "$graph/directory/deletedItems/$objectId"'],
    ] as const) {
      const text = readRepoFile(file);
      expect({ file, deletedItems: text.includes(deletedItems) }).toEqual({ file, deletedItems: true });
      expect(text).toContain('https://graph.microsoft.com/v1.0');
      expect(text).toContain('ENTRA_APPLICATION_OBJECT_ID');
    }
  });
});
