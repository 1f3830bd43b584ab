import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { readRepoFile, repoPath } from './repo.js';

interface HookConfig {
  run: string;
  shell: string;
}
interface AzureYaml {
  name: string;
  infra?: { provider?: string; path?: string; module?: string };
  services: Record<string, { project: string; dist?: string; language: string; host: string; remoteBuild?: boolean }>;
  hooks: Record<string, { posix: HookConfig; windows: HookConfig }>;
}

const azureYaml = parse(readRepoFile('azure.yaml')) as AzureYaml;
const hostJson = JSON.parse(readRepoFile('host.json')) as {
  version: string;
  extensions: { http: { routePrefix: string } };
  extensionBundle: { id: string; version: string };
};
const packageJson = JSON.parse(readRepoFile('package.json')) as {
  main: string;
  type: string;
  engines: { node: string };
  scripts: Record<string, string>;
};

/** Parses a NuGet-style version range such as "[4.0.0, 5.0.0)". */
function parseRange(range: string) {
  const m = /^([[(])\s*([\d.]*)\s*,\s*([\d.]*)\s*([\])])$/.exec(range.trim());
  if (!m) throw new Error(`not a version range: ${range}`);
  const toNumbers = (v: string) => v.split('.').map(Number);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  };
  return (version: string) => {
    const v = toNumbers(version);
    const lowOk = !m[2] || (m[1] === '[' ? compare(v, toNumbers(m[2])) >= 0 : compare(v, toNumbers(m[2])) > 0);
    const highOk = !m[3] || (m[4] === ']' ? compare(v, toNumbers(m[3])) <= 0 : compare(v, toNumbers(m[3])) < 0);
    return lowOk && highOk;
  };
}

describe('azure.yaml, host.json and package.json agree', () => {
  test('one service "api": this folder, TypeScript, a Function App, deploying exactly dist/deploy', () => {
    expect(Object.keys(azureYaml.services)).toEqual(['api']);
    const api = azureYaml.services.api!;
    expect(api).toMatchObject({ project: '.', language: 'ts', host: 'function' });
    // azd's Node.js packaging runs `npm run build` in the project (older versions also `npm run package`),
    // then zips `dist` (and only that): every build ends by writing the artifact (npm's postbuild step).
    expect(api.dist).toBe('dist/deploy');
    expect(packageJson.scripts.postbuild).toBe('node dist/scripts/package.js');
    expect(packageJson.scripts.package).toBe('npm run build');
    // The package is built locally; the artifact holds no sources to build from.
    expect(api.remoteBuild).toBe(false);
    expect(azureYaml.infra).toMatchObject({ provider: 'bicep', path: 'infra', module: 'main' });
    expect(existsSync(repoPath('infra/main.bicep'))).toBe(true);
  });

  test('the Function App carries the azd-service-name tag of that service', () => {
    expect(readRepoFile('infra/modules/function-app.bicep')).toContain("'azd-service-name': 'api'");
  });

  test('package.json main points into dist/src and exists after the build; azd can build it', () => {
    expect(packageJson.main).toBe('dist/src/index.js');
    expect(existsSync(repoPath(packageJson.main))).toBe(true);
    expect(packageJson.type).toBe('module');
    expect(packageJson.scripts.build).toBeDefined(); // azd runs `npm run build` before packaging
  });

  test('the Node.js version deployed satisfies package.json engines', () => {
    const minimum = /^>=(\d+)\.(\d+)/.exec(packageJson.engines.node);
    expect(minimum).not.toBeNull();
    const allowed = /@allowed\(\[([^\]]*)\]\)\s*\n[^\n]*\n?param nodeVersion/.exec(readRepoFile('infra/main.bicep'));
    expect(allowed).not.toBeNull();
    const versions = allowed![1]!.split(',').map((v) => Number(v.trim().replace(/'/g, '')));
    expect(versions.length).toBeGreaterThan(0);
    // Flex Consumption offers a major version's latest minor, so a major >= the engines' major will do.
    for (const major of versions) expect(major).toBeGreaterThanOrEqual(Number(minimum![1]));
  });

  test('host.json: the public extension bundle, 4.x (which carries the MCP extension), no route prefix', () => {
    expect(hostJson.version).toBe('2.0');
    expect(hostJson.extensionBundle.id).toBe('Microsoft.Azure.Functions.ExtensionBundle');
    const inRange = parseRange(hostJson.extensionBundle.version);
    expect(inRange('4.30.0')).toBe(true);
    expect(inRange('4.99.0')).toBe(true);
    expect(inRange('3.30.0')).toBe(false);
    expect(inRange('5.0.0')).toBe(false);
    expect(hostJson.extensions.http.routePrefix).toBe('');
  });

  test('hooks: each runs a script that exists, sh on POSIX and PowerShell on Windows', () => {
    expect(Object.keys(azureYaml.hooks).sort()).toEqual(['postdeploy', 'postdown', 'preprovision']);
    for (const [name, hook] of Object.entries(azureYaml.hooks)) {
      expect({ name, shell: hook.posix.shell }).toEqual({ name, shell: 'sh' });
      expect({ name, shell: hook.windows.shell }).toEqual({ name, shell: 'pwsh' });
      expect(hook.posix.run).toMatch(/^\.\/scripts\/[\w-]+\.sh$/);
      expect(hook.windows.run).toMatch(/^\.\/scripts\/[\w-]+\.ps1$/);
      expect(existsSync(repoPath(hook.posix.run))).toBe(true);
      expect(existsSync(repoPath(hook.windows.run))).toBe(true);
    }
  });

  test('postdeploy prints the MCP URL, which main.bicep outputs as {base}/mcp', () => {
    expect(readRepoFile('infra/main.bicep')).toMatch(/^output MCP_URL string = 'https:\/\/\$\{functionApp\.outputs\.defaultHostName\}\/mcp'$/m);
    expect(readRepoFile('scripts/postdeploy.sh')).toMatch(/MCP URL: \$\{MCP_URL/);
    expect(readRepoFile('scripts/postdeploy.ps1')).toMatch(/MCP URL: \$env:MCP_URL/);
  });

  test('postdown deletes the app registration that main.bicep outputs', () => {
    expect(readRepoFile('infra/main.bicep')).toMatch(/^output ENTRA_APPLICATION_ID string = /m);
    expect(readRepoFile('scripts/postdown.sh')).toContain('az ad app delete --id "$app_id"');
    expect(readRepoFile('scripts/postdown.ps1')).toContain('az ad app delete --id $appId');
  });

  test('npm scripts: azurite for func start', () => {
    expect(packageJson.scripts.azurite).toBe('azurite --silent --location .azurite --skipApiVersionCheck --disableTelemetry');
  });
});
