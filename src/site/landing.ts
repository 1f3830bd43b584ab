import type { Config } from '../config/index.js';
import { escapeHtml, renderPage } from '../web/html.js';
import { DEV_USERS, DEV_PASSWORD } from './dev-users.js';
import { clientSnippets, INSPECTOR_COMMAND, INSPECTOR_DOCS, inspectorSteps, type InspectorStep } from './snippets.js';

/** The project's documents, named for the reader (the site does not serve them). */
const DOCS = [
  ['docs/clients.md', 'every client in detail, and what each one sends'],
  ['docs/tools.md', 'the tools, the roles and groups they need'],
  ['docs/add-a-tool.md', 'writing your own tool'],
  ['docs/deploy.md', 'deploying with azd, or registering the app by hand'],
] as const;

/** The page at `/`: what this server is and how to connect each common MCP client to it. */
export function renderLandingPage(config: Pick<Config, 'baseUrl' | 'mcpResource' | 'mode'>): string {
  const mcpUrl = config.mcpResource;
  const sseUrl = `${config.baseUrl}/mcp/sse`;
  const snippets = clientSnippets(mcpUrl)
    .map(
      (s) => `<section id="${s.id}" aria-labelledby="${s.id}-title">
<h3 id="${s.id}-title">${escapeHtml(s.client)}</h3>
<p>${escapeHtml(s.where)}</p>
<pre><code>${escapeHtml(s.code)}</code></pre>
<p>${escapeHtml(s.then)} <a href="${escapeHtml(s.docs)}">${escapeHtml(s.client)} documentation</a></p>
</section>`,
    )
    .join('\n');
  const devUsers =
    config.mode === 'dev'
      ? `<h2>Test users (local emulators)</h2>
<p>Sign in at the emulated Entra ID with one of these; the password is <code>${escapeHtml(DEV_PASSWORD)}</code>.</p>
<ul>
${DEV_USERS.map((u) => `<li><code>${escapeHtml(u.username)}</code>: ${escapeHtml(u.about)}</li>`).join('\n')}
</ul>`
      : '';
  return renderPage(
    'Entra MCP Gateway',
    `<h1>Entra MCP Gateway</h1>
<p class="muted">A remote MCP server behind Microsoft Entra ID. Connect an MCP client, sign in with your
work account, and its tools act as you in Microsoft Graph.</p>
<h2>MCP URLs</h2>
<ul>
<li>Streamable HTTP: <code id="mcp-url">${escapeHtml(mcpUrl)}</code></li>
<li>Server-Sent Events (legacy): <code id="sse-url">${escapeHtml(sseUrl)}</code></li>
</ul>
<p>Clients find the sign-in themselves (through <code>${escapeHtml(config.baseUrl)}/.well-known/oauth-protected-resource/mcp</code>):
add the URL, then approve the client on this server's consent page and sign in with Entra ID.
You can see and revoke the clients you allowed on <a href="/account">your account page</a>.</p>
${devUsers}
<h2>Add it to a client</h2>
${snippets}
<section id="mcp-inspector" aria-labelledby="mcp-inspector-title">
<h3 id="mcp-inspector-title">MCP Inspector</h3>
<p>In a terminal: <code>${escapeHtml(INSPECTOR_COMMAND)}</code>, then open the address it prints (it carries the proxy's session token).</p>
<p>Over SSE:</p>
${renderSteps('sse', inspectorSteps('sse', sseUrl))}
<p>Over streamable HTTP (Inspector 0.15 does not start OAuth by itself on this transport; its Auth Settings do):</p>
${renderSteps('streamable-http', inspectorSteps('streamable-http', mcpUrl))}
<p><a href="${escapeHtml(INSPECTOR_DOCS)}">MCP Inspector documentation</a></p>
</section>
<h2>Documentation</h2>
<p>In the gateway's repository:</p>
<ul>
${DOCS.map(([path, what]) => `<li><code>${path}</code>: ${escapeHtml(what)}</li>`).join('\n')}
</ul>`,
  );
}

/** An ordered list whose items carry the step as data attributes: the browser test follows them. */
function renderSteps(transport: string, steps: readonly InspectorStep[]): string {
  const items = steps.map((step) => {
    const data = Object.entries(step)
      .map(([key, value]) => ` data-${key}="${escapeHtml(String(value))}"`)
      .join('');
    return `<li${data}>${describeStep(step)}</li>`;
  });
  return `<ol class="steps" data-transport="${transport}">\n${items.join('\n')}\n</ol>`;
}

function describeStep(step: InspectorStep): string {
  switch (step.do) {
    case 'choose':
      return `${escapeHtml(step.label)}: choose <b>${escapeHtml(step.value)}</b>.`;
    case 'fill':
      return `${escapeHtml(step.label)}: <code>${escapeHtml(step.value)}</code>`;
    case 'click':
      return step.role === 'tab'
        ? `Open the <b>${escapeHtml(step.name)}</b> tab.`
        : step.role === 'text'
          ? `Choose <b>${escapeHtml(step.name)}</b>.`
          : `Press <b>${escapeHtml(step.name)}</b>.`;
    case 'sign-in':
      return 'On the consent page, press <b>Approve</b>; then sign in with Entra ID.';
  }
}
