/**
 * What an AADSTS error from Entra means for the MCP client and for the operator. Entra's own message
 * texts are long, mention trace ids and speak to whoever owns the app registration, so they are never
 * forwarded: the client gets a short `error_description` it can show, and the log gets a line that
 * names the app-registration setting (or gateway setting) to change.
 */

/** The OAuth `error` code the gateway answers the MCP client with. */
export type ClientErrorCode = 'access_denied' | 'invalid_grant' | 'server_error' | 'temporarily_unavailable';

export interface AadstsExplanation {
  /** The AADSTS number, without the prefix ("50011"), or undefined when the error carried none. */
  code: string | undefined;
  error: ClientErrorCode;
  /** Shown to the MCP client (and the user): what happened, without secrets or Entra internals. */
  description: string;
  /** For the operator's log: what to fix, naming the setting. */
  fix: string;
}

type Entry = Omit<AadstsExplanation, 'code' | 'fix'> & { fix: (callbackUrl: string) => string };

const MISCONFIGURED = "The gateway's Entra ID app registration is misconfigured; ask its administrator to check the gateway's logs.";

const KNOWN: Record<string, Entry> = {
  '50011': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: (cb) => `In the app registration, Authentication > Web: add ${cb} as a Web redirect URI (exactly, same scheme, host, port and path).`,
  },
  '9002325': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: (cb) =>
      `In the app registration, Authentication: ${cb} is registered under "Single-page application"; remove it there and add it under "Web" (the gateway is a confidential client).`,
  },
  '65001': {
    error: 'access_denied',
    description: 'The user or an administrator has not consented to the gateway using its Entra ID API permissions.',
    fix: () => "In the app registration, API permissions: grant admin consent for the tenant (or let users consent to the gateway's exposed scope).",
  },
  '65004': {
    error: 'access_denied',
    description: 'The user declined to consent to the gateway at Entra ID.',
    fix: () =>
      'The user declined (or could not give) consent at Entra ID. If users may not consent in this tenant ("Need admin approval"), an administrator grants it once: App registrations > the gateway\'s app > API permissions > "Grant admin consent" (or Enterprise applications > Permissions).',
  },
  '650053': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () =>
      'A requested scope does not exist on its resource app: check ENTRA_API_SCOPE against "Expose an API" of the API app registration (the scope name must be listed there, and enabled).',
  },
  '50105': {
    error: 'access_denied',
    description: 'Your account is not assigned to this application in Entra ID; ask an administrator for access.',
    fix: () =>
      'The gateway\'s enterprise application requires assignment ("Assignment required?" = Yes) and the user is not assigned: add the user (or a group of theirs) under Enterprise applications > the gateway\'s app > Users and groups, or set "Assignment required?" to No.',
  },
  '50076': {
    error: 'access_denied',
    description: 'Your organization requires multi-factor authentication for this sign-in; sign in again and complete it.',
    fix: () => 'A Conditional Access policy requires MFA and the sign-in did not satisfy it; the user must complete MFA.',
  },
  '50079': {
    error: 'access_denied',
    description: 'Your organization requires you to register for multi-factor authentication; sign in again and complete the registration.',
    fix: () => 'A Conditional Access policy requires MFA and the user has no method registered; the user must register one.',
  },
  '700016': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () =>
      'Entra ID does not know the application in this tenant: check ENTRA_CLIENT_ID (Application (client) ID) and ENTRA_TENANT_ID (Directory (tenant) ID).',
  },
  '90002': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () => 'The tenant was not found: check ENTRA_TENANT_ID and ENTRA_AUTHORITY_HOST (national clouds use their own host).',
  },
  '7000215': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () =>
      'The client secret is wrong or expired: create a new one under Certificates & secrets and update ENTRA_CLIENT_SECRET (or use ENTRA_CREDENTIAL=managed_identity).',
  },
  '7000222': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () => 'The client secret has expired: create a new one under Certificates & secrets and update ENTRA_CLIENT_SECRET.',
  },
  '700027': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () =>
      "The client assertion was refused: for ENTRA_CREDENTIAL=managed_identity check the federated credential (issuer, subject = the managed identity's principal id, audience api://AzureADTokenExchange) and MANAGED_IDENTITY_CLIENT_ID; for certificate, upload the certificate in ENTRA_CERTIFICATE_PATH under Certificates & secrets.",
  },
  '7000218': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () =>
      'Entra ID expects a client credential: set ENTRA_CREDENTIAL and its secret, certificate or managed identity; or turn off "Allow public client flows" in Authentication.',
  },
  '90009': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () =>
      'The app asked for a token for itself with an api:// scope: use the GUID form {appId}/scope (the gateway does when ENTRA_API_CLIENT_ID is empty or a GUID).',
  },
  '28000': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () =>
      'Scopes of more than one resource were requested in one token request: the gateway must ask only for its own API scope plus openid profile offline_access.',
  },
  '9010010': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () => 'The v2 endpoint refused the "resource" parameter: the gateway must never send resource to Entra ID.',
  },
  '901002': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () => 'The v2 endpoint refused the "resource" parameter: the gateway must never send resource to Entra ID.',
  },
  '500011': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () =>
      'The API resource was not found in the tenant: check ENTRA_API_CLIENT_ID and ENTRA_API_SCOPE, and that the API app has a service principal in this tenant.',
  },
  '70011': {
    error: 'server_error',
    description: MISCONFIGURED,
    fix: () => 'Entra ID refused the requested scope: check that ENTRA_API_SCOPE is listed under "Expose an API" of the API app registration.',
  },
  '50194': {
    error: 'access_denied',
    description: 'This gateway does not accept accounts from your organization.',
    fix: () =>
      'A user from another tenant tried to sign in: make the app multi-tenant and add the tenant to ENTRA_ALLOWED_TENANTS, or use a tenant-specific authority.',
  },
  '53003': {
    error: 'access_denied',
    description: 'Access was blocked by a Conditional Access policy of your organization.',
    fix: () => 'A Conditional Access policy blocked the sign-in; review the policy in Entra ID.',
  },
  '70008': {
    error: 'invalid_grant',
    description: 'The sign-in expired; start the authorization again.',
    fix: () => 'The Entra authorization code or refresh token expired; the user must sign in again.',
  },
  '54005': {
    error: 'invalid_grant',
    description: 'The sign-in was already completed; start the authorization again.',
    fix: () => 'The Entra authorization code was already redeemed (a repeated callback).',
  },
  '700082': {
    error: 'invalid_grant',
    description: 'The session expired after a period of inactivity; sign in again.',
    fix: () => 'The Entra refresh token expired from inactivity; the user must sign in again.',
  },
  '50173': {
    error: 'invalid_grant',
    description: 'The session is no longer valid (for example after a password change); sign in again.',
    fix: () => 'The Entra grant was revoked or expired (password change, session revocation); the user must sign in again.',
  },
};

/** The AADSTS number in an Entra error text ("AADSTS50011: The redirect URI …"). */
export function findAadstsCode(text: string | undefined | null): string | undefined {
  return text ? /\bAADSTS(\d{5,8})\b/.exec(text)?.[1] : undefined;
}

/** Explains an AADSTS number (or its absence), for an error that reached the gateway from Entra. */
export function explainAadsts(code: string | undefined, callbackUrl: string): AadstsExplanation {
  const entry = code ? KNOWN[code] : undefined;
  if (entry) return { code, error: entry.error, description: entry.description, fix: entry.fix(callbackUrl) };
  return {
    code,
    error: 'server_error',
    description: "Signing in with Entra ID failed; try again, or ask the gateway's administrator to check its logs.",
    fix: code
      ? `Look up AADSTS${code} in the Entra ID error reference (https://login.microsoftonline.com/error?code=${code}).`
      : 'Entra ID returned an error without an AADSTS code; check the Entra sign-in logs.',
  };
}

/**
 * The explanation of an error Entra sent to the callback (`error`, `error_description`). Without an
 * AADSTS code, Entra's own `access_denied` (user cancelled) stays `access_denied`.
 */
export function explainCallbackError(error: string, description: string | undefined, callbackUrl: string): AadstsExplanation {
  const code = findAadstsCode(description);
  if (!code && (error === 'access_denied' || error === 'consent_required' || error === 'interaction_required' || error === 'login_required')) {
    return {
      code,
      error: 'access_denied',
      description: 'Signing in with Entra ID was cancelled or refused.',
      fix: `Entra ID answered "${error}"; the user did not complete sign-in.`,
    };
  }
  if (!code && error === 'temporarily_unavailable') {
    return {
      code,
      error: 'temporarily_unavailable',
      description: 'Entra ID is temporarily unavailable; try again shortly.',
      fix: 'Entra ID answered temporarily_unavailable.',
    };
  }
  return explainAadsts(code, callbackUrl);
}

/**
 * The explanation of an error thrown by MSAL while talking to Entra's token endpoint. MSAL's
 * `ServerError` carries `errorNo` (the AADSTS number) and `errorMessage`; other failures (network,
 * discovery) have neither and read as `temporarily_unavailable`.
 */
export function explainMsalError(err: unknown, callbackUrl: string): AadstsExplanation {
  const code = aadstsCodeOf(err);
  if (code) return explainAadsts(code, callbackUrl);
  return {
    code,
    error: 'temporarily_unavailable',
    description: 'Entra ID could not be reached to complete the sign-in; try again shortly.',
    fix: `Calling Entra ID's token endpoint failed without an AADSTS code (${errorName(err)}); check network access to ENTRA_AUTHORITY_HOST and the credential configuration.`,
  };
}

/**
 * The AADSTS number of an MSAL error. MSAL's `ServerError` carries it as `errorNo`, which is the first
 * of Entra's `error_codes`: a JSON *number* (a string only in older versions). Failing that, it is
 * read from the message text.
 */
export function aadstsCodeOf(err: unknown): string | undefined {
  const fields = (err ?? {}) as { errorNo?: unknown; errorMessage?: unknown; message?: unknown };
  const errorNo = fields.errorNo;
  if (typeof errorNo === 'number' && Number.isInteger(errorNo) && errorNo > 0) return String(errorNo);
  if (typeof errorNo === 'string' && /^\d+$/.test(errorNo)) return errorNo;
  return (
    findAadstsCode(typeof fields.errorMessage === 'string' ? fields.errorMessage : undefined) ??
    findAadstsCode(typeof fields.message === 'string' ? fields.message : undefined)
  );
}

function errorName(err: unknown): string {
  const fields = (err ?? {}) as { errorCode?: unknown; name?: unknown };
  if (typeof fields.errorCode === 'string') return fields.errorCode;
  return typeof fields.name === 'string' ? fields.name : 'unknown error';
}
