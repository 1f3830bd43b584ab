import type { Config } from '../config/index.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page at `/`: what this server is and how to connect an MCP client to it. */
export function renderLandingPage(config: Config): string {
  const mcpUrl = escapeHtml(config.mcpResource);
  const sseUrl = escapeHtml(`${config.baseUrl}/mcp/sse`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Entra MCP Gateway</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1b1b1b; }
  code, pre { font: 14px ui-monospace, monospace; background: #f3f3f3; border-radius: 4px; }
  code { padding: 0.1rem 0.3rem; } pre { padding: 0.75rem; overflow-x: auto; }
  h1 { font-size: 1.6rem; margin-bottom: 0.25rem; } .lead { color: #555; margin-top: 0; }
</style>
</head>
<body>
<main>
<h1>Entra MCP Gateway</h1>
<p class="lead">A remote MCP server behind Microsoft Entra ID. Connect an MCP client, sign in with your
work account, and its tools act as you in Microsoft Graph.</p>
<h2>MCP URLs</h2>
<ul>
  <li>Streamable HTTP: <code>${mcpUrl}</code></li>
  <li>Server-Sent Events (legacy): <code>${sseUrl}</code></li>
</ul>
<h2>Add it to a client</h2>
<p>Claude Code:</p>
<pre>claude mcp add --transport http entra-gateway ${mcpUrl}</pre>
<p>VS Code, Cursor and others (<code>mcp.json</code>):</p>
<pre>{ "servers": { "entra-gateway": { "type": "http", "url": "${mcpUrl}" } } }</pre>
<p>MCP Inspector: <code>npx @modelcontextprotocol/inspector</code>, transport "Streamable HTTP", URL above, then "Connect".</p>
<p>The client discovers the sign-in through <code>${escapeHtml(config.baseUrl)}/.well-known/oauth-protected-resource/mcp</code>; nothing else to configure.</p>
</main>
</body>
</html>
`;
}
