import { LOCAL_PASSWORD, LOCAL_USERS } from '../../src/local/defaults.js';
import { DEV_PASSWORD, DEV_USERS } from '../../src/site/dev-users.js';
import { renderLandingPage } from '../../src/site/landing.js';
import { isBrowserNavigation } from '../../src/site/mcp-endpoint-page.js';
import { clientSnippets, inspectorSteps, SERVER_NAME } from '../../src/site/snippets.js';

const BASE = 'https://gw.example';
const MCP = `${BASE}/mcp`;
const config = { baseUrl: BASE, mcpResource: MCP, mode: 'azure' as const };
const snippet = (id: string) => clientSnippets(MCP).find((s) => s.id === id)!;

describe('landing page: one exact snippet per client', () => {
  test('Claude Code: an http transport add command with the MCP URL', () => {
    expect(snippet('claude-code').code).toBe(`claude mcp add --transport http ${SERVER_NAME} ${MCP}`);
  });

  test('Claude Desktop: mcp-remote under mcpServers, with command and args', () => {
    expect(JSON.parse(snippet('claude-desktop').code)).toEqual({ mcpServers: { [SERVER_NAME]: { command: 'npx', args: ['-y', 'mcp-remote', MCP] } } });
  });

  test('Cursor: mcpServers with url only (not the VS Code shape)', () => {
    expect(JSON.parse(snippet('cursor').code)).toEqual({ mcpServers: { [SERVER_NAME]: { url: MCP } } });
  });

  test('VS Code: servers with type "http"', () => {
    expect(JSON.parse(snippet('vs-code').code)).toEqual({ servers: { [SERVER_NAME]: { type: 'http', url: MCP } } });
  });

  test('ChatGPT: the URL and OAuth', () => {
    expect(snippet('chatgpt').code).toContain(`MCP Server URL: ${MCP}`);
    expect(snippet('chatgpt').code).toContain('Authentication: OAuth');
  });

  test("every snippet is on the page, escaped, in its own section with a link to the client's documentation", () => {
    const html = renderLandingPage(config);
    for (const s of clientSnippets(MCP)) {
      expect(html).toContain(`<section id="${s.id}"`);
      expect(html).toContain(s.code.replace(/"/g, '&quot;'));
      expect(html).toContain(`<a href="${s.docs}">`);
    }
    expect(html).toContain('<a href="/account">');
    expect(html).not.toMatch(/<(script|img|link)\b/);
  });

  test('MCP Inspector: SSE connects by itself; streamable HTTP goes through the Auth Settings first', () => {
    const names = (steps: ReturnType<typeof inspectorSteps>) => steps.map((s) => ('name' in s ? s.name : 'value' in s ? s.value : s.do));
    expect(names(inspectorSteps('sse', `${BASE}/mcp/sse`)).slice(0, 4)).toEqual(['SSE', `${BASE}/mcp/sse`, 'Connect', 'sign-in']);
    expect(names(inspectorSteps('streamable-http', MCP)).slice(0, 6)).toEqual([
      'Streamable HTTP',
      MCP,
      'Open Auth Settings',
      'Quick OAuth Flow',
      'sign-in',
      'Connect',
    ]);
    const html = renderLandingPage(config);
    expect(html).toContain('<ol class="steps" data-transport="sse">');
    expect(html).toContain('<li data-do="click" data-role="button" data-name="Quick OAuth Flow">Press <b>Quick OAuth Flow</b>.</li>');
  });

  test('test users only in dev mode, and the same ones the Entra emulator knows', () => {
    expect(renderLandingPage(config)).not.toContain('Test users');
    const dev = renderLandingPage({ ...config, mode: 'dev' });
    expect(DEV_PASSWORD).toBe(LOCAL_PASSWORD);
    expect(DEV_USERS.map((u) => u.username)).toEqual(LOCAL_USERS.map((u) => u.username));
    for (const u of DEV_USERS) expect(dev).toContain(`<code>${u.username}</code>`);
    expect(dev).toContain(LOCAL_PASSWORD);
  });
});

describe('a browser opening the MCP URL', () => {
  const request = (method: string, headers: Record<string, string>) => ({ method, headers: new Headers(headers) });
  test('a GET that accepts HTML without credentials is a person; MCP clients are not', () => {
    expect(isBrowserNavigation(request('GET', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }))).toBe(true);
    expect(isBrowserNavigation(request('GET', { accept: 'application/json, text/event-stream' }))).toBe(false);
    expect(isBrowserNavigation(request('GET', { accept: 'text/event-stream' }))).toBe(false);
    expect(isBrowserNavigation(request('POST', { accept: 'text/html' }))).toBe(false);
    expect(isBrowserNavigation(request('GET', { accept: 'text/html', authorization: 'Bearer x' }))).toBe(false);
  });
});
