import { CSRF_FIELD } from '../csrf.js';
import { escapeHtml, renderPage } from '../html.js';

export interface ConnectedClient {
  clientId: string;
  /** The client's self-declared name, or its client id when it has none (or is gone). */
  name: string;
  /** Where its sign-ins return to (the hosts of its redirect URIs), or its metadata document's host. */
  redirectHosts: string[];
  /** Epoch ms: its first sign-in among the live grants, and the last time it renewed its tokens. */
  firstUsed: number;
  lastUsed: number;
  /** How many live sessions (grants) it holds. */
  sessions: number;
}

export interface AccountView {
  user: string;
  clients: readonly ConnectedClient[];
  csrfToken: string;
  /** A one-line result of the last action (after a revoke). */
  notice?: string;
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** The signed-in user's connected MCP clients, each with a Revoke button; and Sign out. */
export function renderAccountPage(view: AccountView): string {
  const csrf = `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(view.csrfToken)}">`;
  const rows = view.clients.map(
    (c) => `<li class="client">
<h2>${escapeHtml(c.name)}</h2>
<p class="muted">Returns to: <span class="redirect-host">${escapeHtml(c.redirectHosts.join(', ') || 'unknown')}</span><br>
First signed in: ${when(c.firstUsed)}; last active: ${when(c.lastUsed)}${c.sessions > 1 ? `; ${c.sessions} sessions` : ''}<br>
Client ID: <code>${escapeHtml(c.clientId)}</code></p>
<form method="post" action="/account">${csrf}<input type="hidden" name="client_id" value="${escapeHtml(c.clientId)}">
<button type="submit" class="deny" name="action" value="revoke">Revoke ${escapeHtml(c.name)}</button></form>
</li>`,
  );
  const list =
    rows.length > 0 ? `<ul class="clients" aria-label="Connected MCP clients">\n${rows.join('\n')}\n</ul>` : '<p>No MCP client holds access for you.</p>';
  return renderPage(
    'Your MCP clients',
    `<h1>Your MCP clients</h1>
<p>Signed in as <strong>${escapeHtml(view.user)}</strong>. These applications can use this server's tools as you.
Revoking one ends its sessions at once: its tokens stop working, and it has to ask you again.</p>
${view.notice ? `<p role="status"><strong>${escapeHtml(view.notice)}</strong></p>` : ''}
${list}
<form method="post" action="/account">${csrf}<div class="actions"><button type="submit" class="deny" name="action" value="sign-out">Sign out</button></div></form>`,
  );
}
