import { escapeHtml, pageHeaders, renderPage } from '../web/html.js';

/**
 * A person who opens the MCP URL in a browser gets the 401 an MCP client gets (same status, same
 * `WWW-Authenticate`), but with a page that points to `/`, where the client snippets are, instead of
 * a JSON error. Browser navigations are told apart by `Accept: text/html` on a GET without credentials;
 * MCP clients send `application/json` / `text/event-stream`.
 */
export function isBrowserNavigation(request: { method: string; headers: Headers }): boolean {
  if (request.method.toUpperCase() !== 'GET' || request.headers.has('authorization')) return false;
  const accept = request.headers.get('accept') ?? '';
  return accept.includes('text/html') && !accept.includes('text/event-stream');
}

export function renderMcpEndpointPage(baseUrl: string): { headers: Record<string, string>; body: string } {
  const body = renderPage(
    'MCP endpoint',
    `<h1>This is an MCP endpoint</h1>
<p>It is meant for MCP clients (Claude, Cursor, VS Code, MCP Inspector, …), which sign you in themselves.</p>
<p><a href="/">How to connect a client to ${escapeHtml(new URL(baseUrl).host)}</a></p>`,
  );
  return { headers: pageHeaders(), body };
}
