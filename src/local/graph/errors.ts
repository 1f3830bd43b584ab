/**
 * Microsoft Graph's error responses: `{"error":{"code","message","innerError":{"date","request-id",
 * "client-request-id"}}}`. Handlers throw a `GraphError`; the server turns it into the body once.
 */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. `Retry-After` or `WWW-Authenticate`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toResponseObject(ids: RequestIds): GraphErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: {
          // Graph's own format: ISO date-time to the second, without zone designator.
          date: new Date().toISOString().slice(0, 19),
          'request-id': ids.requestId,
          'client-request-id': ids.clientRequestId,
        },
      },
    };
  }
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

/** 401 with Graph's code and its `WWW-Authenticate` challenge. */
export class InvalidAuthenticationTokenError extends GraphError {
  constructor(message: string, authorizationUri: string) {
    super(401, 'InvalidAuthenticationToken', message, {
      'WWW-Authenticate': `Bearer realm="", authorization_uri="${authorizationUri}", client_id="00000003-0000-0000-c000-000000000000"`,
    });
  }
}

export class AuthorizationRequestDeniedError extends GraphError {
  constructor(message = 'Insufficient privileges to complete the operation.') {
    super(403, 'Authorization_RequestDenied', message);
  }
}

export class BadRequestError extends GraphError {
  constructor(message: string) {
    super(400, 'BadRequest', message);
  }
}

export class ResourceNotFoundError extends GraphError {
  constructor(resource: string) {
    super(404, 'Request_ResourceNotFound', `Resource '${resource}' does not exist or one of its queried reference-property objects are not present.`);
  }
}
