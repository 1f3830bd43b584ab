// mcp-remote as Claude Desktop and Cursor run it: `npx mcp-remote <url>` as a stdio MCP server, speaking
// to us through the SDK's StdioClientTransport. It does its own discovery, registration and PKCE, runs
// its loopback callback server and opens the authorization URL in "the browser" — here a launcher on
// its PATH that signs in and approves consent over HTTP. Its tokens go to a temporary config dir.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { installBrowserLauncher } from '../support/browser-launcher.js';
import { listAndCallProfile, PROFILE_TOOL } from '../support/mcp-session.js';
import { freePort, startStackProcess, type StackProcess } from '../support/stack-process.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const TIMEOUT = 120_000;

/** The child's environment: ours, minus anything that would send a browser to a real desktop. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { ...env, ...extra };
}

/** The `mcpServers` entry of the landing page's Claude Desktop snippet, read from the served page. */
async function claudeDesktopSnippet(baseUrl: string): Promise<{ command: string; args: string[] }> {
  const html = await (await fetch(`${baseUrl}/`)).text();
  const code = /<section id="claude-desktop"[\s\S]*?<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html)?.[1];
  if (!code) throw new Error('the landing page has no Claude Desktop snippet');
  const text = code
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  const servers = (JSON.parse(text) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers;
  return Object.values(servers)[0]!;
}

describe('e2e: mcp-remote (stdio) through the whole OAuth flow against the local stack process', () => {
  let stack: StackProcess;
  const dirs: string[] = [];
  beforeAll(async () => {
    stack = await startStackProcess();
  }, TIMEOUT);
  afterAll(async () => {
    await stack?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['streamable HTTP', 'mcpUrl', 'http-only'],
    ['SSE', 'sseUrl', 'sse-only'],
  ] as const)(
    '%s: npx mcp-remote signs in through the browser launcher, then initialize, tools/list, profile',
    async (_name, urlKey, strategy) => {
      const dir = mkdtempSync(join(tmpdir(), 'e2e-mcp-remote-'));
      dirs.push(dir);
      const browserLog = join(dir, 'browser.log');
      const configDir = join(dir, 'mcp-auth');
      const callbackPort = await freePort();
      const transport = new StdioClientTransport({
        command: 'npx',
        args: ['--no', 'mcp-remote', stack[urlKey], String(callbackPort), '--transport', strategy, '--auth-timeout', '60'],
        cwd: REPO,
        env: childEnv({ ...installBrowserLauncher(dir, browserLog), MCP_REMOTE_CONFIG_DIR: configDir }),
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const diagnostics = () =>
        `mcp-remote stderr:\n${stderr}\nbrowser launcher log:\n${existsSync(browserLog) ? readFileSync(browserLog, 'utf8') : '(never opened)'}`;

      const client = new Client({ name: 'e2e-claude-desktop-like', version: '1.0.0' });
      try {
        await client.connect(transport).catch((err: unknown) => {
          throw new Error(`connect failed: ${err instanceof Error ? err.message : String(err)}\n${diagnostics()}`);
        });
        const log = readFileSync(browserLog, 'utf8');
        expect(log).toContain(`open ${stack.baseUrl}/authorize`);
        expect(log).toContain('consent page shown: true');
        expect(log).toMatch(new RegExp(`redirect http://localhost:${callbackPort}/oauth/callback answered 200`));

        const { tools, text, isError } = await listAndCallProfile(client);
        expect(tools).toContain(PROFILE_TOOL);
        expect(isError).toBe(false);
        expect(text).toContain('Adele Vance');
      } finally {
        await client.close();
      }
    },
    TIMEOUT,
  );

  test(
    "the landing page's Claude Desktop snippet, as is: admin@contoso.test reaches the admin tools (one sign-in asks for every scope)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'e2e-mcp-remote-admin-'));
      dirs.push(dir);
      const browserLog = join(dir, 'browser.log');
      const { command, args } = await claudeDesktopSnippet(stack.baseUrl);
      expect(args).toContain(stack.mcpUrl);
      const transport = new StdioClientTransport({
        command,
        args,
        cwd: REPO,
        env: childEnv({ ...installBrowserLauncher(dir, browserLog, 'admin@contoso.test'), MCP_REMOTE_CONFIG_DIR: join(dir, 'mcp-auth') }),
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const client = new Client({ name: 'e2e-claude-desktop-admin', version: '1.0.0' });
      try {
        await client.connect(transport);
        const result = await client.callTool({ name: 'list_clients', arguments: {} });
        expect(result.structuredContent).not.toHaveProperty('error');
        expect((result.structuredContent as { clients?: unknown[] }).clients?.length).toBeGreaterThan(0);
        // The browser opened once: no step-up round trip.
        expect(readFileSync(browserLog, 'utf8').match(/ open /g)).toHaveLength(1);
      } catch (err) {
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nmcp-remote stderr:\n${stderr}`);
      } finally {
        await client.close();
      }
    },
    TIMEOUT,
  );
});
