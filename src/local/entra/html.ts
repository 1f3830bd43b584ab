import { entraTimestamp, type EntraError } from './errors.js';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; background: #f2f2f2; margin: 0; color: #1b1b1b; }
  main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem 2.5rem; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
  h1 { font-size: 1.5rem; font-weight: 600; margin: 0 0 1rem; }
  label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
  input[type=text], input[type=email], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; border: 1px solid #666; }
  input:focus, button:focus { outline: 3px solid #005a9e; outline-offset: 2px; }
  button { margin-top: 1.5rem; padding: .6rem 2rem; font-size: 1rem; background: #0067b8; color: #fff; border: 0; cursor: pointer; }
  .error { color: #a80000; margin: .5rem 0; }
  .note { font-size: .85rem; color: #444; margin-top: 1.5rem; }
  pre { white-space: pre-wrap; word-break: break-word; font-size: .85rem; background: #f7f7f7; padding: .75rem; }`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export interface SignInPageInput {
  /** The form's action (the authorize URL, query included). */
  action: string;
  appName: string;
  loginHint?: string;
  error?: string;
}

/** The sign-in form a person fills in (fields `username` and `password`, as the design fixes). */
export function signInPage(input: SignInPageInput): string {
  const error = input.error ? `<p class="error" role="alert" id="signin-error">${escapeHtml(input.error)}</p>` : '';
  const described = input.error ? ' aria-describedby="signin-error"' : '';
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(input.appName)}</strong></p>
${error}
<form method="post" action="${escapeHtml(input.action)}">
<label for="username">Email or username</label>
<input type="email" id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(input.loginHint ?? '')}"${described}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${described}>
<button type="submit">Sign in</button>
</form>
<p class="note">Local Entra ID emulator. No real account is used.</p>`,
  );
}

/** Entra's "Sorry, but we're having trouble signing you in" page: shown instead of a redirect. */
export function errorPage(err: EntraError): string {
  return page(
    'Sign in to your account',
    `<h1>Sorry, but we’re having trouble signing you in.</h1>
<p role="alert" id="error-message">${escapeHtml(err.message)}</p>
<pre>Request Id: ${escapeHtml(err.traceId)}
Correlation Id: ${escapeHtml(err.correlationId)}
Timestamp: ${escapeHtml(entraTimestamp(err.timestamp))}
Message: ${escapeHtml(err.message)}</pre>`,
  );
}

/** `response_mode=form_post`: an auto-submitting form, with a button when scripts are off. */
export function formPostPage(redirectUri: string, params: Record<string, string>): string {
  const fields = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  return page(
    'Working...',
    `<form method="post" action="${escapeHtml(redirectUri)}" id="response">
${fields}
<noscript><p>Script is disabled. Click Continue to finish signing in.</p><button type="submit">Continue</button></noscript>
</form>
<script>document.getElementById('response').submit();</script>`,
  );
}

export function errorLookupPage(code: string): string {
  return page('Error lookup', `<h1>Error code ${escapeHtml(code)}</h1><p>Local Entra ID emulator: see the error description that came with this code.</p>`);
}

/** The second-factor step ("Verify your identity"): a one-time code, checked against `LOCAL_MFA_CODE`. */
export function mfaPage(input: { action: string; ticket: string; username: string; register: boolean; code: string; error?: string }): string {
  const error = input.error ? `<p class="error" role="alert" id="otc-error">${escapeHtml(input.error)}</p>` : '';
  const intro = input.register
    ? '<h1>More information required</h1><p>Your organization needs more information to keep your account secure. Set up a verification method, then enter the code it shows.</p>'
    : '<h1>Verify your identity</h1><p>Enter the code from your authenticator app.</p>';
  return page(
    'Verify your identity',
    `${intro}
<p>${escapeHtml(input.username)}</p>
${error}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="ticket" value="${escapeHtml(input.ticket)}">
<label for="otc">Code</label>
<input type="text" id="otc" name="otc" inputmode="numeric" autocomplete="one-time-code" required autofocus${input.error ? ' aria-describedby="otc-error"' : ''}>
<button type="submit">Verify</button>
</form>
<p class="note">Local Entra ID emulator: the code is ${escapeHtml(input.code)}.</p>`,
  );
}

/**
 * Entra's consent step: "Permissions requested" with Accept / Cancel, or, when users may not consent,
 * "Need admin approval" with only the way back to the application (which declines, AADSTS65004).
 */
export function consentPage(input: {
  action: string;
  ticket: string;
  appName: string;
  username: string;
  permissions: string[];
  adminApprovalNeeded: boolean;
}): string {
  const list = `<ul>${input.permissions.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>`;
  const hidden = `<input type="hidden" name="ticket" value="${escapeHtml(input.ticket)}">`;
  if (input.adminApprovalNeeded) {
    return page(
      'Need admin approval',
      `<h1>Need admin approval</h1>
<p><strong>${escapeHtml(input.appName)}</strong> needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.</p>
${list}
<form method="post" action="${escapeHtml(input.action)}">
${hidden}
<button type="submit" name="consent" value="cancel">Return to the application without granting consent</button>
</form>`,
    );
  }
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p>${escapeHtml(input.username)}</p>
<p><strong>${escapeHtml(input.appName)}</strong> would like to:</p>
${list}
<form method="post" action="${escapeHtml(input.action)}">
${hidden}
<button type="submit" name="consent" value="accept">Accept</button>
<button type="submit" name="consent" value="cancel">Cancel</button>
</form>`,
  );
}
