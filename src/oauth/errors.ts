/**
 * OAuth errors as types (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 7009, RFC 8707, RFC 6750). Handlers throw
 * them; one place per endpoint turns them into the response. `description` is shown to the client, so
 * it must say what to fix and must never contain a token, code or secret.
 */
export class OAuthError extends Error {
  static readonly errorCode: string = 'server_error';
  static readonly status: number = 400;

  constructor(
    readonly description: string,
    readonly errorUri?: string,
  ) {
    super(description);
  }

  get errorCode(): string {
    return (this.constructor as typeof OAuthError).errorCode;
  }

  get status(): number {
    return (this.constructor as typeof OAuthError).status;
  }

  override get name(): string {
    return this.constructor.name;
  }

  toResponseObject(): { error: string; error_description: string; error_uri?: string } {
    const body: { error: string; error_description: string; error_uri?: string } = {
      error: this.errorCode,
      error_description: this.description,
    };
    if (this.errorUri) body.error_uri = this.errorUri;
    return body;
  }
}

export class InvalidRequestError extends OAuthError {
  static override readonly errorCode = 'invalid_request';
}
export class InvalidClientError extends OAuthError {
  static override readonly errorCode = 'invalid_client';
  static override readonly status = 401;
}
export class InvalidGrantError extends OAuthError {
  static override readonly errorCode = 'invalid_grant';
}
export class UnauthorizedClientError extends OAuthError {
  static override readonly errorCode = 'unauthorized_client';
}
export class UnsupportedGrantTypeError extends OAuthError {
  static override readonly errorCode = 'unsupported_grant_type';
}
export class UnsupportedResponseTypeError extends OAuthError {
  static override readonly errorCode = 'unsupported_response_type';
}
export class InvalidScopeError extends OAuthError {
  static override readonly errorCode = 'invalid_scope';
}
export class AccessDeniedError extends OAuthError {
  static override readonly errorCode = 'access_denied';
  static override readonly status = 403;
}
export class InvalidTargetError extends OAuthError {
  static override readonly errorCode = 'invalid_target';
}
export class InvalidTokenError extends OAuthError {
  static override readonly errorCode = 'invalid_token';
  static override readonly status = 401;
}
export class InsufficientScopeError extends OAuthError {
  static override readonly errorCode = 'insufficient_scope';
  static override readonly status = 403;
}
export class InvalidRedirectUriError extends OAuthError {
  static override readonly errorCode = 'invalid_redirect_uri';
}
export class InvalidClientMetadataError extends OAuthError {
  static override readonly errorCode = 'invalid_client_metadata';
}
export class ServerError extends OAuthError {
  static override readonly errorCode = 'server_error';
  static override readonly status = 500;
}
export class TemporarilyUnavailableError extends OAuthError {
  static override readonly errorCode = 'temporarily_unavailable';
  static override readonly status = 503;
}
/** A request body over the endpoint's limit: `invalid_request`, but with HTTP 413 so proxies and clients see why. */
export class PayloadTooLargeError extends OAuthError {
  static override readonly errorCode = 'invalid_request';
  static override readonly status = 413;
}
