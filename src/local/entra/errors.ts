import { randomUUID } from 'node:crypto';

/**
 * Entra's errors, with Entra's AADSTS codes and message texts (as they appear in real responses and in
 * https://login.microsoftonline.com/error). Each error knows its OAuth `error` value and HTTP status; the
 * surface (error page, redirect to the client, JSON body from the token endpoint) is chosen by the handler
 * that throws it, exactly where Entra chooses it.
 */
export interface AadstsSpec {
  code: number;
  error: string;
  status?: number;
  /** Entra's message text; `{name}` placeholders are filled from the error's arguments. */
  message: string;
  suberror?: string;
  /** `error_subcode` on an authorize redirect (Entra sends `cancel` when the user declined). */
  subcode?: string;
}

const spec = (code: number, error: string, message: string, extra: Partial<AadstsSpec> = {}): AadstsSpec => ({
  code,
  error,
  message,
  ...extra,
});

export const AADSTS = {
  missingParameter: spec(900144, 'invalid_request', "The request body must contain the following parameter: '{parameter}'."),
  tenantNotFound: spec(
    90002,
    'invalid_tenant',
    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
  ),
  appNotFound: spec(
    700016,
    'unauthorized_client',
    "Application with identifier '{appId}' was not found in the directory '{tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  ),
  redirectMismatch: spec(
    50011,
    'invalid_request',
    "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
  ),
  unsupportedResponseType: spec(700054, 'unsupported_response_type', "response_type '{responseType}' is not enabled for the application."),
  resourceNotSupported: spec(9010010, 'invalid_target', "The resource parameter provided in the request doesn't match with the requested scopes."),
  invalidScope: spec(70011, 'invalid_scope', "The provided value for the input parameter 'scope' is not valid. The scope '{scope}' is not valid."),
  scopeDoesNotExist: spec(
    650053,
    'invalid_client',
    "The application '{appName}' asked for scope '{scope}' that doesn't exist on the resource '{resourceAppId}'. Contact the app vendor.",
  ),
  resourceNotFound: spec(
    500011,
    'invalid_resource',
    'The resource principal named {resource} was not found in the tenant named {tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
  ),
  multipleResources: spec(
    28000,
    'invalid_scope',
    'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid.',
  ),
  consentRequired: spec(
    65001,
    'invalid_grant',
    "The user or administrator has not consented to use the application with ID '{appId}' named '{appName}'. Send an interactive authorization request for this user and resource.",
    { suberror: 'consent_required' },
  ),
  tokenForItself: spec(
    90009,
    'invalid_request',
    "Application '{appId}'({appName}) is requesting a token for itself. This scenario is supported only if resource is specified using the GUID based App Identifier.",
  ),
  loginRequired: spec(50058, 'login_required', 'A silent sign-in request was sent but no user is signed in.'),
  clientCredentialsScope: spec(
    1002012,
    'invalid_scope',
    'The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
  ),
  invalidSecret: spec(
    7000215,
    'invalid_client',
    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{appId}'.",
    { status: 401 },
  ),
  credentialRequired: spec(7000218, 'invalid_client', "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", {
    status: 401,
  }),
  publicClientCredential: spec(700025, 'invalid_client', "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.", {
    status: 401,
  }),
  assertionInvalid: spec(50027, 'invalid_client', 'JWT token is invalid or malformed.', { status: 401 }),
  assertionSignature: spec(700027, 'invalid_client', 'Client assertion failed signature validation.', { status: 401 }),
  assertionAudience: spec(700212, 'invalid_client', "No matching federated identity record found for presented assertion audience '{audience}'.", {
    status: 401,
  }),
  assertionIssuer: spec(700211, 'invalid_client', "No matching federated identity record found for presented assertion issuer '{issuer}'.", { status: 401 }),
  assertionSubject: spec(700213, 'invalid_client', "No matching federated identity record found for presented assertion subject '{subject}'.", { status: 401 }),
  assertionExpired: spec(700024, 'invalid_client', 'Client assertion is not within its valid time range.', { status: 401 }),
  assertionTokenEndpoint: spec(
    50027,
    'invalid_client',
    "JWT token is invalid or malformed. The audience claim '{audience}' is not this tenant's token endpoint.",
    { status: 401 },
  ),
  codeRedeemed: spec(
    54005,
    'invalid_grant',
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  ),
  codeInvalid: spec(9002313, 'invalid_grant', 'Invalid request. Request is malformed or invalid.'),
  grantExpired: spec(
    70008,
    'invalid_grant',
    'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  ),
  pkceMismatch: spec(501481, 'invalid_grant', 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
  replyAddressMismatch: spec(
    500112,
    'invalid_grant',
    "The reply address '{redirectUri}' does not match the reply address '{expected}' provided when requesting Authorization code.",
  ),
  spaPkceRequired: spec(9002325, 'invalid_request', 'Proof Key for Code Exchange is required for cross-origin authorization code redemption.'),
  crossOriginNotSpa: spec(
    9002326,
    'invalid_request',
    "Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '{origin}'.",
  ),
  spaNeedsCrossOrigin: spec(
    9002327,
    'invalid_request',
    "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
  ),
  unsupportedGrantType: spec(70003, 'unsupported_grant_type', "The app requested an unsupported grant type '{grantType}'."),
  invalidAssertion: spec(50013, 'invalid_grant', 'Assertion failed signature validation. [Reason - {reason}]'),
  oboAudience: spec(
    500131,
    'invalid_grant',
    "Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '{audience}' and the expected audience is '{clientId}' or one of the Application Id URIs of this client app.",
  ),
  assertionNotValidNow: spec(
    500133,
    'invalid_grant',
    'Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.',
  ),
  grantInvalid: spec(70000, 'invalid_grant', 'Provided grant is invalid or malformed.'),
  invalidCredentials: spec(50126, 'invalid_grant', 'Error validating credentials due to invalid username or password.'),
  invalidPkceMethod: spec(501491, 'invalid_request', "Invalid code_challenge_method '{method}'."),
  mfaRequired: spec(
    50076,
    'interaction_required',
    "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource}'.",
    { suberror: 'basic_action' },
  ),
  mfaRegistrationRequired: spec(
    50079,
    'interaction_required',
    "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '{resource}'.",
    { suberror: 'basic_action' },
  ),
  blockedByConditionalAccess: spec(
    53003,
    'invalid_grant',
    'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    { suberror: 'message_only' },
  ),
  sessionRevoked: spec(
    50173,
    'invalid_grant',
    "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{validFrom}'.",
  ),
  refreshTokenExpired: spec(
    700082,
    'invalid_grant',
    'The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive for {inactive}.',
  ),
  consentDeclined: spec(65004, 'access_denied', 'User declined to consent to access the app.', { subcode: 'cancel' }),
  userNotAssigned: spec(
    50105,
    'access_denied',
    "Your administrator has configured the application {appName} ('{appId}') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '{user}' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.",
  ),
  noManagedIdentity: spec(500011, 'invalid_resource', 'The managed identity {identity} was not found.'),
} as const satisfies Record<string, AadstsSpec>;

export type AadstsName = keyof typeof AADSTS;

/** Entra's `Timestamp:` format, e.g. `2024-07-17 14:42:13Z`. */
export function entraTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export class EntraError extends Error {
  readonly spec: AadstsSpec;
  readonly traceId = randomUUID();
  readonly timestamp = new Date();
  correlationId: string = randomUUID();
  /** A Conditional Access claims challenge (JSON text), sent as `claims` beside the error. */
  claims?: string;

  constructor(
    readonly kind: AadstsName,
    readonly args: Record<string, string> = {},
  ) {
    const s: AadstsSpec = AADSTS[kind];
    super(`AADSTS${s.code}: ${s.message.replace(/\{(\w+)\}/g, (_, k: string) => args[k] ?? `{${k}}`)}`);
    this.spec = s;
  }

  get status(): number {
    return this.spec.status ?? 400;
  }

  /** Entra's `error_description`: message, then trace, correlation and time on their own lines. */
  get description(): string {
    return `${this.message}\r\nTrace ID: ${this.traceId}\r\nCorrelation ID: ${this.correlationId}\r\nTimestamp: ${entraTimestamp(this.timestamp)}`;
  }

  /** The token endpoint's JSON body. */
  toJson(errorUriBase: string): Record<string, unknown> {
    const body: Record<string, unknown> = {
      error: this.spec.error,
      error_description: this.description,
      error_codes: [this.spec.code],
      timestamp: entraTimestamp(this.timestamp),
      trace_id: this.traceId,
      correlation_id: this.correlationId,
      error_uri: `${errorUriBase}/error?code=${this.spec.code}`,
    };
    if (this.spec.suberror) body.suberror = this.spec.suberror;
    if (this.claims) body.claims = this.claims;
    return body;
  }

  /**
   * Parameters of the error redirect to the client's redirect URI (authorize endpoint): only `error`,
   * `error_description`, `error_uri` and, where Entra sends it, `error_subcode` (`state` is added by
   * the caller). `error_codes`, `trace_id` and the rest appear only in the token endpoint's JSON.
   */
  toRedirectParams(errorUriBase: string): Record<string, string> {
    return {
      // At authorize Entra reports missing consent as `consent_required` (OIDC), at the token endpoint as `invalid_grant`.
      error: this.spec.suberror === 'consent_required' ? this.spec.suberror : this.spec.error,
      error_description: this.description,
      error_uri: `${errorUriBase}/error?code=${this.spec.code}`,
      ...(this.spec.subcode ? { error_subcode: this.spec.subcode } : {}),
    };
  }
}
