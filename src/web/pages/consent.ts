import { SCOPE_ADMIN, SCOPE_TOOLS } from '../../oauth/scopes.js';
import { CSRF_FIELD } from '../csrf.js';
import { escapeHtml, renderPage } from '../html.js';

export interface ConsentView {
  /** The gateway's name as users know it (its host). */
  gatewayHost: string;
  /** The client's self-declared name (unverified for DCR clients). */
  clientName: string;
  clientId: string;
  redirectUri: string;
  /** For clients identified by a metadata document (CIMD): the host that served it. */
  verifiedDomain?: string;
  scopes: readonly string[];
  /** The signed consent request the form posts back. */
  ticket: string;
  csrfToken: string;
}

const SCOPE_TEXT: Record<string, string> = {
  [SCOPE_TOOLS]: "Use this server's MCP tools as you, including reading your profile from Microsoft 365.",
  [SCOPE_ADMIN]:
    'Use its administrative tools — granted only if your account holds the MCP.Admin role or an administrative group permission; otherwise left out, and everything else still works.',
};

/** Where the browser goes after approval; shown large because it is what a phishing client can't fake. */
export function redirectTarget(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.host ? url.host : `${url.protocol}${url.pathname}`;
}

/** The consent page: who asks, where the answer goes, what it may do; approve and deny. */
export function renderConsentPage(view: ConsentView): string {
  const name = escapeHtml(view.clientName);
  const identity = view.verifiedDomain
    ? `<p>Identity verified by its domain: <strong>${escapeHtml(view.verifiedDomain)}</strong></p>`
    : `<p class="warn">This application registered itself; its name is not verified. Continue only if you started this from an application you trust.</p>`;
  // Under the "not verified" warning, Enter must not approve: the safe answer has the focus.
  const focus = (decision: 'approve' | 'deny') => ((decision === 'approve') === Boolean(view.verifiedDomain) ? ' autofocus' : '');
  const scopes = view.scopes.map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(SCOPE_TEXT[s] ?? s)}</li>`).join('\n');
  return renderPage(
    `Allow ${view.clientName}?`,
    `<h1 id="consent-title">Allow <span>${name}</span> to access ${escapeHtml(view.gatewayHost)}?</h1>
${identity}
<p>After you choose, you will be sent back to:<span class="host">${escapeHtml(redirectTarget(view.redirectUri))}</span></p>
<p class="muted">Client ID: <code>${escapeHtml(view.clientId)}</code><br>Redirect URI: <code>${escapeHtml(view.redirectUri)}</code></p>
<h2 id="scopes-title">It will be able to</h2>
<ul aria-labelledby="scopes-title">
${scopes}
</ul>
<p class="muted">You will sign in with your Microsoft Entra ID account next. You can see and revoke the applications you allowed at any time on <a href="/account">your account page</a>.</p>
<form method="post" action="/consent" aria-labelledby="consent-title">
<input type="hidden" name="ticket" value="${escapeHtml(view.ticket)}">
<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(view.csrfToken)}">
<div class="actions">
<button type="submit" class="approve" name="decision" value="approve"${focus('approve')}>Approve</button>
<button type="submit" class="deny" name="decision" value="deny"${focus('deny')}>Deny</button>
</div>
</form>`,
  );
}
