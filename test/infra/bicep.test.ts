import { readdirSync } from 'node:fs';
import path from 'node:path';
import { settings } from '../../src/config/settings.js';
import { CONTAINERS } from '../../src/store/containers.js';
import { BicepFile, get, toPlain, type BicepValue } from './bicep-reader.js';
import { readRepoFile, repoPath } from './repo.js';

const infra = (file: string) => new BicepFile(file, readRepoFile('infra', file));
const main = infra('main.bicep');
const appSettingsModule = infra('modules/app-settings.bicep');
const cosmosModule = infra('modules/cosmos.bicep');
const storageModule = infra('modules/storage.bicep');
const entraModule = infra('modules/entra-app.bicep');
const functionAppModule = infra('modules/function-app.bicep');
const keyVaultModule = infra('modules/keyvault.bicep');

const appSettings = appSettingsModule.variable('appSettings');
const settingNames = Object.keys(settings);

function entriesOf(value: BicepValue): Map<string, BicepValue> {
  if (value.kind !== 'object') throw new Error(`expected an object, got ${value.kind}: ${value.raw}`);
  return value.entries;
}

function stringText(value: BicepValue | undefined): string {
  if (value?.kind !== 'string') throw new Error(`expected a string, got ${value?.kind}: ${value?.raw}`);
  return value.text;
}

describe('infra: the templates hang together (what a Bicep build would catch first)', () => {
  const modules = main.declarations().filter((d) => d.keyword === 'module');

  test('every module main.bicep uses exists and gets exactly the parameters it declares', () => {
    expect(modules.map((m) => m.target).sort()).toEqual(
      readdirSync(repoPath('infra/modules')).map((f) => `modules/${f}`).sort(),
    );
    for (const mod of modules) {
      const declared = infra(mod.target).params();
      const passed = [...entriesOf(get(mod.body, 'params')!).keys()];
      const unknown = passed.filter((p) => !declared.some((d) => d.name === p));
      const missing = declared.filter((d) => d.defaultValue === undefined && !passed.includes(d.name)).map((d) => d.name);
      expect({ module: mod.target, unknown, missing }).toEqual({ module: mod.target, unknown: [], missing: [] });
    }
  });

  test('every module output main.bicep reads is declared by that module', () => {
    const symbols = new Map(modules.map((m) => [m.symbol, infra(m.target).outputs()]));
    const reads = [...main.source.matchAll(/\b(\w+)\.outputs\.(\w+)/g)].map((m) => ({ module: m[1]!, output: m[2]! }));
    expect(reads.length).toBeGreaterThan(10);
    const undeclared = reads.filter((r) => !symbols.get(r.module)?.includes(r.output));
    expect(undeclared).toEqual([]);
  });

  test('main.parameters.json sets only parameters main.bicep declares, and every required one', () => {
    const file = JSON.parse(readRepoFile('infra/main.parameters.json')) as { parameters: Record<string, unknown> };
    const declared = main.params();
    const given = Object.keys(file.parameters);
    expect(given.filter((g) => !declared.some((d) => d.name === g))).toEqual([]);
    expect(declared.filter((d) => d.defaultValue === undefined && !given.includes(d.name)).map((d) => d.name)).toEqual([]);
  });

  test('the Graph extension is declared in bicepconfig.json under the name the module uses', () => {
    const config = JSON.parse(readRepoFile('infra/bicepconfig.json')) as { extensions: Record<string, string> };
    expect(entraModule.source).toMatch(/^extension microsoftGraphV1\b/m);
    expect(config.extensions.microsoftGraphV1).toMatch(/^br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:\d/);
  });
});

describe('infra: Function App settings', () => {
  const entries = entriesOf(appSettings);

  test('every setting the configuration requires in Azure is set on the Function App', () => {
    const requiredInAzure = Object.entries(settings)
      .filter(([, spec]) => spec.required === 'always' || spec.required === 'azure')
      .map(([name]) => name);
    expect(requiredInAzure.length).toBeGreaterThan(5);
    expect(requiredInAzure.filter((name) => !entries.has(name))).toEqual([]);
  });

  test('every gateway-looking setting is a real setting (no typos)', () => {
    const platform = /^(AzureWebJobs|APPLICATIONINSIGHTS_|FUNCTIONS_|WEBSITE_)/;
    const unknown = [...entries.keys()].filter((k) => !platform.test(k) && !settingNames.includes(k));
    expect(unknown).toEqual([]);
  });

  test('the gateway runs in azure mode with the managed identity credential, on its own host name', () => {
    expect(stringText(entries.get('GATEWAY_MODE'))).toBe('azure');
    expect(stringText(entries.get('ENTRA_CREDENTIAL'))).toBe('managed_identity');
    expect(stringText(entries.get('GATEWAY_BASE_URL'))).toMatch(/^https:\/\/\$\{site\.properties\.defaultHostName\}$/);
    expect(entries.get('MANAGED_IDENTITY_CLIENT_ID')).toEqual({ kind: 'expr', raw: 'identityClientId' });
    expect(stringText(entries.get('AzureWebJobsDisableHomepage'))).toBe('true');
    // ENTRA_API_SCOPE is the scope the app registration exposes.
    expect(stringText(entries.get('ENTRA_API_SCOPE'))).toBe('access_as_user');
    expect(entraModule.source).toContain("value: 'access_as_user'");
  });

  test('host storage is reached by identity (no connection string), blobs and queues', () => {
    expect(stringText(entries.get('AzureWebJobsStorage__credential'))).toBe('managedidentity');
    expect(entries.get('AzureWebJobsStorage__clientId')).toEqual({ kind: 'expr', raw: 'identityClientId' });
    expect(entries.has('AzureWebJobsStorage__blobServiceUri')).toBe(true);
    expect(entries.has('AzureWebJobsStorage__queueServiceUri')).toBe(true);
    expect(entries.has('AzureWebJobsStorage')).toBe(false);
  });

  test('settings that Flex Consumption forbids are absent (the runtime is in functionAppConfig)', () => {
    for (const name of ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_NODE_DEFAULT_VERSION', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'WEBSITE_CONTENTSHARE']) {
      expect(entries.has(name)).toBe(false);
    }
    const site = functionAppModule.resource('Microsoft.Web/sites');
    expect(toPlain(get(site.body, 'properties', 'functionAppConfig', 'runtime')!)).toEqual({ name: 'node', version: { expr: 'nodeVersion' } });
    const nodeVersion = functionAppModule.params().find((p) => p.name === 'nodeVersion')!;
    expect(nodeVersion.decorators).toContain("@allowed(['20', '22'])");
    const plan = functionAppModule.resource('Microsoft.Web/serverfarms');
    expect(toPlain(get(plan.body, 'sku')!)).toEqual({ name: 'FC1', tier: 'FlexConsumption' });
  });

  test('every secret setting is a Key Vault reference, never a value', () => {
    const secrets = Object.entries(settings).filter(([, spec]) => 'secret' in spec && spec.secret).map(([name]) => name);
    for (const name of secrets) {
      const value = entries.get(name);
      if (value === undefined) continue; // optional secrets (ENTRA_CLIENT_SECRET, COSMOS_KEY) stay unset
      expect({ name, value: stringText(value) }).toEqual({ name, value: expect.stringMatching(/^@Microsoft\.KeyVault\(SecretUri=\$\{\w+\}\)$/) });
    }
    expect(entries.has('COSMOS_KEY')).toBe(false);
    expect(entries.has('ENTRA_CLIENT_SECRET')).toBe(false);
    // The references resolve with the user-assigned identity, which may read secrets.
    const site = functionAppModule.resource('Microsoft.Web/sites');
    expect(get(site.body, 'properties', 'keyVaultReferenceIdentity')).toEqual({ kind: 'expr', raw: 'identityId' });
    expect(keyVaultModule.source).toContain("'4633458b-17de-408a-b874-0445c86b69e6'"); // Key Vault Secrets User
  });

  test('the settings block is what the site gets', () => {
    const config = appSettingsModule.resource('Microsoft.Web/sites/config');
    expect(stringText(get(config.body, 'name'))).toBe('appsettings');
    expect(get(config.body, 'properties')).toEqual({ kind: 'expr', raw: 'appSettings' });
  });

  test('no host key is written by the templates: the host generates mcp_extension, postdeploy copies it to Key Vault', () => {
    // Writing host keys during provision fails on Flex Consumption before code is deployed, has no Bicep types,
    // and a self-chosen value is a non-identifiable key the host rejects in strict mode (AZFD0012).
    for (const file of readdirSync(repoPath('infra/modules')).map((f) => `modules/${f}`).concat('main.bicep')) {
      const bicep = infra(file);
      expect({ file, hostKeys: bicep.declarations().filter((d) => /^Microsoft\.Web\/sites\/host\b/i.test(d.target)).map((d) => d.target) }).toEqual({ file, hostKeys: [] });
      expect({ file, systemkeys: /systemkeys|functionkeys|listkeys/i.test(bicep.source) }).toEqual({ file, systemkeys: false });
    }
    // The secret is not declared (provision would overwrite the hook's value); the setting references it by name.
    expect(keyVaultModule.resourcesOfType('Microsoft.KeyVault/vaults/secrets').map((d) => toPlain(get(d.body, 'name')!)).sort()).toEqual(['cookie-secret', 'token-encryption-keys']);
    expect(toPlain(keyVaultModule.variable('mcpExtensionKeySecretName'))).toBe('mcp-extension-key');
    expect(keyVaultModule.source).toMatch(/^output mcpExtensionKeySecretUri string = '\$\{vault\.properties\.vaultUri\}secrets\/\$\{mcpExtensionKeySecretName\}'$/m);
    expect(stringText(entriesOf(appSettings).get('MCP_EXTENSION_KEY'))).toBe('@Microsoft.KeyVault(SecretUri=${mcpExtensionKeySecretUri})');
    // The hooks find the vault and the secret through main.bicep's outputs.
    expect(main.source).toMatch(/^output AZURE_KEY_VAULT_NAME string = keyVault\.outputs\.name$/m);
    expect(main.source).toMatch(/^output MCP_EXTENSION_KEY_SECRET_NAME string = keyVault\.outputs\.mcpExtensionKeySecretName$/m);
    for (const name of ['AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'AZURE_KEY_VAULT_NAME', 'MCP_EXTENSION_KEY_SECRET_NAME']) {
      expect(readRepoFile('scripts/postdeploy.sh')).toContain(`\${${name}`);
      expect(main.source).toMatch(new RegExp(`^output ${name} string = `, 'm'));
    }
  });

  test('the deployer may write Key Vault secrets (Key Vault Secrets Officer), for the postdeploy hook', () => {
    const assignment = keyVaultModule.resourcesOfType('Microsoft.Authorization/roleAssignments').find((d) => d.condition);
    expect(assignment?.condition).toBe('!empty(deployerPrincipalId)');
    expect(get(assignment!.body, 'properties', 'principalId')).toEqual({ kind: 'expr', raw: 'deployerPrincipalId' });
    expect(get(assignment!.body, 'properties', 'principalType')).toEqual({ kind: 'expr', raw: 'deployerPrincipalType' });
    expect(keyVaultModule.variable('secretsOfficer')).toMatchObject({ kind: 'string', text: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7' });
    const call = main.declarations().find((d) => d.target === 'modules/keyvault.bicep')!;
    expect(get(call.body, 'params', 'deployerPrincipalId')).toEqual({ kind: 'expr', raw: 'principalId' });
    expect(get(call.body, 'params', 'deployerPrincipalType')).toEqual({ kind: 'expr', raw: 'principalType' });
  });
});

describe('infra: Cosmos DB', () => {
  test('every container in CONTAINERS exists with the same partition key and default TTL, and no other', () => {
    const declared = toPlain(cosmosModule.variable('containers'));
    const expected = Object.values(CONTAINERS).map((c) => ({ id: c.id, partitionKey: c.partitionKey, defaultTtl: c.defaultTtl }));
    expect(declared).toEqual(expected);
    // ...and the container resource really uses those fields.
    const containers = cosmosModule.resource('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    expect(containers.loop).toBe(true);
    const resource = get(containers.body, 'properties', 'resource');
    expect(get(resource, 'id')).toEqual({ kind: 'expr', raw: 'container.id' });
    expect(get(resource, 'defaultTtl')).toEqual({ kind: 'expr', raw: 'container.defaultTtl' });
    expect(toPlain(get(resource, 'partitionKey')!)).toEqual({ paths: [{ expr: 'container.partitionKey' }], kind: 'Hash', version: 2 });
  });

  test('serverless, keys disabled, and the database name is the one the gateway is told', () => {
    const account = cosmosModule.resource('Microsoft.DocumentDB/databaseAccounts');
    const props = get(account.body, 'properties');
    expect(get(props, 'disableLocalAuth')).toMatchObject({ kind: 'bool', value: true });
    expect(toPlain(get(props, 'capabilities')!)).toEqual([{ name: 'EnableServerless' }]);
    expect(main.source).toMatch(/var cosmosDatabaseName = 'mcp-gateway'/);
    expect(settings.COSMOS_DATABASE.default).toBe('mcp-gateway');
    expect(entriesOf(appSettings).get('COSMOS_DATABASE')).toEqual({ kind: 'expr', raw: 'cosmosDatabaseName' });
  });

  test('the identity gets Cosmos DB Built-in Data Contributor on the account (data plane)', () => {
    const [assignment] = cosmosModule.resourcesOfType('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments').filter((d) => !d.condition);
    expect(cosmosModule.source).toContain("'${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'");
    expect(get(assignment!.body, 'properties', 'principalId')).toEqual({ kind: 'expr', raw: 'identityPrincipalId' });
    expect(get(assignment!.body, 'properties', 'scope')).toEqual({ kind: 'expr', raw: 'account.id' });
  });
});

describe('infra: storage', () => {
  test('shared keys are off; a deployment container exists; blob and queue roles for the identity', () => {
    const account = storageModule.resource('Microsoft.Storage/storageAccounts');
    expect(get(account.body, 'properties', 'allowSharedKeyAccess')).toMatchObject({ kind: 'bool', value: false });
    expect(get(account.body, 'properties', 'allowBlobPublicAccess')).toMatchObject({ kind: 'bool', value: false });
    expect(get(account.body, 'resource queueServices')).toBeDefined();
    const container = get(account.body, 'resource blobServices', 'resource deployment');
    expect(get(container, 'name')).toEqual({ kind: 'expr', raw: 'deploymentContainerName' });
    const roles = toPlain(storageModule.variable('roles')) as Record<string, string>;
    expect(Object.values(roles).sort()).toEqual([
      '974c5e8b-45b9-4653-ba55-5f855dd0fb88', // Storage Queue Data Contributor
      'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', // Storage Blob Data Owner
    ]);
    const site = functionAppModule.resource('Microsoft.Web/sites');
    const deployment = get(site.body, 'properties', 'functionAppConfig', 'deployment', 'storage');
    expect(stringText(get(deployment, 'type'))).toBe('blobContainer');
    expect(stringText(get(deployment, 'authentication', 'type'))).toBe('UserAssignedIdentity');
  });
});

describe('infra: Entra app registration (Microsoft Graph extension)', () => {
  const apps = entraModule.resourcesOfType('Microsoft.Graph/applications');
  const finalApp = apps.find((a) => get(a.body, 'identifierUris'));

  test('identifier URI api://{appId}: a second pass over the same registration, with the same configuration', () => {
    expect(apps).toHaveLength(2); // the identifier URI needs the appId, which exists only after the first pass
    expect(finalApp).toBeDefined();
    expect(toPlain(get(finalApp!.body, 'identifierUris')!)).toEqual(['api://${app.appId}']);
    for (const key of ['uniqueName', 'signInAudience', 'api', 'appRoles', 'web', 'groupMembershipClaims', 'owners']) {
      expect({ key, first: get(apps[0]!.body, key)?.raw }).toEqual({ key, first: get(apps[1]!.body, key)?.raw });
      expect(get(apps[0]!.body, key)).toBeDefined();
    }
  });

  test('v2 access tokens and the exposed scope access_as_user', () => {
    const api = toPlain(entraModule.variable('api')) as { requestedAccessTokenVersion: number; oauth2PermissionScopes: { value: string; type: string; isEnabled: boolean }[] };
    expect(api.requestedAccessTokenVersion).toBe(2);
    expect(api.oauth2PermissionScopes).toEqual([expect.objectContaining({ value: 'access_as_user', type: 'User', isEnabled: true })]);
  });

  test('web redirect URI {base}/callback, where base is the Function App host name the gateway is told', () => {
    expect(toPlain(entraModule.variable('web'))).toMatchObject({ redirectUris: ['${baseUrl}/callback'] });
    const entraCall = main.declarations().find((d) => d.target === 'modules/entra-app.bicep')!;
    expect(stringText(get(entraCall.body, 'params', 'baseUrl'))).toBe('https://${functionApp.outputs.defaultHostName}');
    expect(functionAppModule.source).toMatch(/^output defaultHostName string = site\.properties\.defaultHostName$/m);
    expect(stringText(entriesOf(appSettings).get('GATEWAY_BASE_URL'))).toBe('https://${site.properties.defaultHostName}');
  });

  test('Microsoft Graph User.Read (delegated) is requested; app roles MCP.User and MCP.Admin', () => {
    const permissions = toPlain(entraModule.variable('graphPermissions')) as { name: string; id: string }[];
    expect(permissions).toContainEqual({ name: 'User.Read', id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d' });
    expect(entraModule.source).toContain("var graphAppId = '00000003-0000-0000-c000-000000000000'");
    expect(entraModule.variable('graphResourceAccess').raw).toMatch(/type: 'Scope'/);
    const roles = toPlain(entraModule.variable('appRoles')) as { value: string; allowedMemberTypes: string[]; isEnabled: boolean }[];
    expect(roles.map((r) => r.value)).toEqual(['MCP.User', 'MCP.Admin']);
    expect(roles.every((r) => r.isEnabled && r.allowedMemberTypes.includes('User'))).toBe(true);
  });

  test('the only credential is a federated identity credential for the managed identity', () => {
    const fic = entraModule.resource('Microsoft.Graph/applications/federatedIdentityCredentials');
    expect(stringText(get(fic.body, 'issuer'))).toBe('${loginEndpoint}${tenant().tenantId}/v2.0');
    expect(entraModule.variable('loginEndpoint')).toEqual({ kind: 'expr', raw: 'environment().authentication.loginEndpoint' });
    expect(get(fic.body, 'subject')).toEqual({ kind: 'expr', raw: 'identityPrincipalId' });
    expect(toPlain(get(fic.body, 'audiences')!)).toEqual(['api://AzureADTokenExchange']);
    const entraCall = main.declarations().find((d) => d.target === 'modules/entra-app.bicep')!;
    expect(get(entraCall.body, 'params', 'identityPrincipalId')).toEqual({ kind: 'expr', raw: 'identity.outputs.principalId' });
    // Secretless: no password or certificate credentials anywhere.
    expect(entraModule.source).not.toMatch(/passwordCredentials|keyCredentials|addPassword/);
  });

  test('a service principal exists for the registration', () => {
    const sp = entraModule.resourcesOfType('Microsoft.Graph/servicePrincipals').find((d) => !d.existing)!;
    expect(get(sp.body, 'appId')).toEqual({ kind: 'expr', raw: 'app.appId' });
  });

  test('the deployer owns the registration and its service principal (any principal type), appended to existing owners', () => {
    const sp = entraModule.resourcesOfType('Microsoft.Graph/servicePrincipals').find((d) => !d.existing)!;
    for (const resource of [...apps, sp]) expect({ symbol: resource.symbol, owners: get(resource.body, 'owners') }).toEqual({ symbol: resource.symbol, owners: { kind: 'expr', raw: 'owners' } });
    // The Graph extension's relationship type: object ids, 'append' when relationshipSemantics is not set.
    expect(toPlain(entraModule.variable('owners'))).toEqual({ relationships: { expr: 'empty(ownerPrincipalId) ? [] : [ownerPrincipalId]' } });
    expect(entraModule.variable('owners').raw).not.toContain('relationshipSemantics');
    const entraCall = main.declarations().find((d) => d.target === 'modules/entra-app.bicep')!;
    expect(get(entraCall.body, 'params', 'ownerPrincipalId')).toEqual({ kind: 'expr', raw: 'principalId' });
    // App roles go to users only (allowedMemberTypes), and need that ownership (or an admin role).
    expect(get(entraCall.body, 'params', 'deployerPrincipalId')?.raw).toBe("principalType == 'User' ? principalId : ''");
  });

  test('admin consent covers the app\'s own access_as_user scope: a fixed scope id in requiredResourceAccess and a grant', () => {
    expect(entraModule.variable('accessAsUserScopeId')).toEqual({ kind: 'expr', raw: "guid(uniqueName, 'access_as_user')" });
    const api = toPlain(entraModule.variable('api')) as { oauth2PermissionScopes: { id: unknown }[] };
    expect(api.oauth2PermissionScopes[0]!.id).toEqual({ expr: 'accessAsUserScopeId' });
    // Pass 1 cannot name its own appId; pass 2 (the final state) lists Graph and itself.
    expect(toPlain(get(apps[0]!.body, 'requiredResourceAccess')!)).toEqual([{ expr: 'graphResourceAccess' }]);
    expect(toPlain(get(finalApp!.body, 'requiredResourceAccess')!)).toEqual([
      { expr: 'graphResourceAccess' },
      { resourceAppId: { expr: 'app.appId' }, resourceAccess: [{ id: { expr: 'accessAsUserScopeId' }, type: 'Scope' }] },
    ]);
    const grants = entraModule.resourcesOfType('Microsoft.Graph/oauth2PermissionGrants');
    expect(grants.map((g) => g.condition)).toEqual(['grantAdminConsent', 'grantAdminConsent']);
    const self = grants.find((g) => get(g.body, 'resourceId')?.raw === 'servicePrincipal.id')!;
    expect(toPlain(self.body)).toEqual({ clientId: { expr: 'servicePrincipal.id' }, consentType: 'AllPrincipals', resourceId: { expr: 'servicePrincipal.id' }, scope: 'access_as_user' });
    const parameters = (JSON.parse(readRepoFile('infra/main.parameters.json')) as { parameters: Record<string, { value: string }> }).parameters;
    expect(parameters.grantAdminConsent!.value).toBe('${GRANT_ADMIN_CONSENT=false}');
  });
});

describe('infra: no secret in source', () => {
  const infraFiles = (dir: string): string[] =>
    readdirSync(repoPath(dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? infraFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
  const files = [...infraFiles('infra'), 'azure.yaml', ...infraFiles('scripts')];

  test('no keys, passwords, connection strings with AccountKey or long random-looking literals', () => {
    expect(files.length).toBeGreaterThan(8);
    for (const file of files) {
      const text = readRepoFile(file);
      const findings = [
        ...text.matchAll(/AccountKey=|SharedAccessKey=|listKeys\(|listConnectionStrings\(|primaryMasterKey|password\s*[:=]\s*'[^']+'/gi),
        // 32 random bytes are 43 base64url characters; no literal that long belongs in these files.
        ...text.matchAll(/['"][A-Za-z0-9+/_-]{40,}={0,2}['"]/g),
      ].map((m) => m[0]);
      expect({ file, findings }).toEqual({ file, findings: [] });
    }
  });

  test('secure parameters have no default and come only from the azd environment', () => {
    const parameters = (JSON.parse(readRepoFile('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> }).parameters;
    const secure = main.params().filter((p) => p.secure);
    expect(secure.map((p) => p.name).sort()).toEqual(['cookieSecret', 'tokenEncryptionKeys']);
    for (const param of secure) {
      expect({ param: param.name, defaultValue: param.defaultValue }).toEqual({ param: param.name, defaultValue: undefined });
      // `${NAME}` without `=fallback`: a value written by scripts/preprovision, never one from this file.
      expect(parameters[param.name]!.value).toMatch(/^\$\{[A-Z_]+\}$/);
    }
    for (const file of ['modules/keyvault.bicep']) {
      const secureInModule = infra(file).params().filter((p) => p.secure);
      expect(secureInModule.length).toBeGreaterThan(0);
      expect(secureInModule.filter((p) => p.defaultValue !== undefined)).toEqual([]);
    }
  });

  test('the preprovision hook generates each secret from random bytes and keeps existing values', () => {
    for (const script of ['scripts/preprovision.sh', 'scripts/preprovision.ps1']) {
      const text = readRepoFile(script);
      expect(text).toContain('randomBytes(32)');
      for (const name of ['TOKEN_ENCRYPTION_KEYS', 'COOKIE_SECRET']) {
        expect({ script, name, found: new RegExp(`\\b${name}\\b`).test(text) }).toEqual({ script, name, found: true });
        expect(readRepoFile('infra/main.parameters.json')).toContain(`\${${name}}`);
      }
      // The MCP extension's key is the host's own (scripts/postdeploy), never generated here.
      expect(text).not.toContain('MCP_EXTENSION_KEY');
    }
  });

  test('the azd environment that holds the generated secrets is git-ignored', () => {
    expect(readRepoFile('.gitignore').split('\n').map((l) => l.trim())).toContain('.azure/');
  });
});
