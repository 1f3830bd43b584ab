import { OAuthError } from '../oauth/errors.js';

/**
 * Errors the gateway itself answers on the MCP routes. One shape for all of them: the OAuth JSON body
 * `{ "error", "error_description" }` (RFC 6749 §5.2 / RFC 6750 §3), which is what 401 and 403 must
 * be anyway; JSON-RPC-shaped bodies come only from the extension (they are about MCP messages, these
 * are about HTTP access). Authentication errors reuse `InvalidTokenError` and `InsufficientScopeError`.
 */
export class NotFoundError extends OAuthError {
  static override readonly errorCode = 'not_found';
  static override readonly status = 404;
}

export class MethodNotAllowedError extends OAuthError {
  static override readonly errorCode = 'method_not_allowed';
  static override readonly status = 405;
  constructor(
    description: string,
    readonly allow: readonly string[],
  ) {
    super(description);
  }
}

/** The extension could not be reached or failed before answering. */
export class BadGatewayError extends OAuthError {
  static override readonly errorCode = 'temporarily_unavailable';
  static override readonly status = 502;
}
