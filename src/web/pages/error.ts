import { escapeHtml, renderPage } from '../html.js';

/**
 * The page shown when an authorization request cannot be answered by redirecting to the client: the
 * client or its redirect URI could not be trusted (RFC 6749 §4.1.2.1: never redirect then), or the
 * browser's side of a flow is missing. Says what went wrong and what to do; never echoes a secret.
 */
export function renderErrorPage(error: string, description: string): string {
  return renderPage(
    'Authorization failed',
    `<h1>This sign-in can't continue</h1>
<p>${escapeHtml(description)}</p>
<p class="muted">Error code: <code>${escapeHtml(error)}</code>. Close this window and start again from your application.</p>`,
  );
}
