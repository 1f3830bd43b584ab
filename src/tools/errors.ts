import { GraphRequestError } from '../entra/graph.js';
import { OboError } from '../entra/obo.js';
import { ToolAuthError } from '../mcp/tool-context.js';

/**
 * Why a tool did not do what it was asked, as the user should read it. The extension turns a thrown
 * error into a generic "An error occurred" result, so tools *return* these (see `tool-response.ts`):
 * `message` is the text the user sees, `code` and `details` the structured part. Neither ever holds a
 * token, and messages are written here, never copied from Entra (whose texts speak to app owners).
 */
export abstract class ToolError extends Error {
  abstract readonly code: string;
  details(): Record<string, unknown> {
    return {};
  }
}

export class NotSignedInError extends ToolError {
  override readonly name = 'NotSignedInError';
  readonly code = 'not_signed_in';
}

/** Anything we did not foresee; the message points to the logs, which hold the cause. */
export class InternalToolError extends ToolError {
  override readonly name = 'InternalToolError';
  readonly code = 'internal_error';
}

export class InvalidArgumentError extends ToolError {
  override readonly name = 'InvalidArgumentError';
  readonly code = 'invalid_argument';
}

export class NotFoundError extends ToolError {
  override readonly name = 'NotFoundError';
  readonly code = 'not_found';
}

export interface Missing {
  missingScopes: string[];
  missingRoles: string[];
  missingPermissions: string[];
}

export class PermissionDeniedError extends ToolError {
  override readonly name = 'PermissionDeniedError';
  readonly code = 'forbidden';
  constructor(
    message: string,
    readonly missing: Missing,
  ) {
    super(message);
  }
  override details() {
    return { ...this.missing };
  }
}

/** AADSTS65001 from OBO: nobody consented to the downstream permission for the gateway's app. */
export class ConsentRequiredError extends ToolError {
  override readonly name = 'ConsentRequiredError';
  readonly code = 'consent_required';
  constructor(
    readonly appId: string,
    readonly api: string,
    readonly permission: string,
  ) {
    super(
      `${api} access is not consented for this gateway (AADSTS65001): the delegated permission ${permission} of ${api} has no consent. ` +
        `An administrator can grant it in the Entra admin center: App registrations > the gateway's app (Application ID ${appId}) > API permissions > ` +
        `add "${api} > Delegated > ${permission}" if it is not listed, then "Grant admin consent" for the tenant. Then call this tool again.`,
    );
  }
  override details() {
    return { aadsts: '65001', appId: this.appId, api: this.api, permission: this.permission };
  }
}

/** Entra failures other than consent, in the words the user needs. */
export class EntraFailureError extends ToolError {
  override readonly name = 'EntraFailureError';
  constructor(
    readonly code: 'interaction_required' | 'session_expired' | 'conditional_access_blocked' | 'entra_unavailable' | 'entra_refused',
    message: string,
    readonly aadsts?: string,
  ) {
    super(message);
  }
  override details() {
    return this.aadsts ? { aadsts: this.aadsts } : {};
  }
}

/** A Graph error response, reported with Graph's own error code (and when to retry, if Graph said). */
export class GraphFailureError extends ToolError {
  override readonly name = 'GraphFailureError';
  readonly code = 'graph_error';
  constructor(
    message: string,
    readonly status: number,
    readonly graphCode: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  override details() {
    return { status: this.status, graphCode: this.graphCode, ...(this.retryAfterSeconds !== undefined && { retryAfterSeconds: this.retryAfterSeconds }) };
  }
}

/** What the mapping needs to name the app and the permission in a consent message. */
export interface ErrorContext {
  appId: string;
  /** The downstream API and permission the tool asked for, e.g. "Microsoft Graph", "User.Read". */
  api?: string;
  permission?: string;
}

/** Turns a failure from the layers below into a `ToolError`, or `undefined` if it is not one we know. */
export function toToolError(err: unknown, ctx: ErrorContext): ToolError | undefined {
  if (err instanceof ToolError) return err;
  if (err instanceof ToolAuthError) return new NotSignedInError(err.message);
  if (err instanceof OboError) return fromObo(err, ctx);
  if (err instanceof GraphRequestError) return fromGraph(err);
  return undefined;
}

function fromObo(err: OboError, ctx: ErrorContext): ToolError {
  const api = ctx.api ?? 'the downstream API';
  switch (err.kind) {
    case 'consent_required':
      return new ConsentRequiredError(ctx.appId, api, ctx.permission ?? 'the requested permission');
    case 'interaction_required':
      return new EntraFailureError(
        'interaction_required',
        `Entra ID needs you to sign in again (multi-factor authentication or a Conditional Access policy, AADSTS${err.aadsts}) before this gateway may use ${api} for you. Reconnect the MCP client and sign in.`,
        err.aadsts,
      );
    case 'session_expired':
      return new EntraFailureError(
        'session_expired',
        `Your Entra ID sign-in can no longer be used (AADSTS${err.aadsts}). Reconnect the MCP client and sign in again.`,
        err.aadsts,
      );
    case 'blocked':
      return new EntraFailureError(
        'conditional_access_blocked',
        `A Conditional Access policy of your organization blocks this gateway's access to ${api} for you (AADSTS${err.aadsts}). Signing in again will not change that; ask your administrator (Entra admin center > Conditional Access) if you need access.`,
        err.aadsts,
      );
    case 'unavailable':
      return new EntraFailureError('entra_unavailable', `Entra ID could not be reached to get a token for ${api}. Try again in a minute.`);
    case 'refused':
      return new EntraFailureError(
        'entra_refused',
        `Entra ID refused to issue a token for ${api} (AADSTS${err.aadsts}). Ask the gateway's administrator to check its logs.`,
        err.aadsts,
      );
  }
}

function fromGraph(err: GraphRequestError): GraphFailureError {
  const code = err.code;
  const when = err.retryAfterSeconds !== undefined ? ` Try again in ${err.retryAfterSeconds} seconds.` : ' Try again in a minute.';
  let message: string;
  if (err.status === 401) {
    message = `Microsoft Graph did not accept the token it was sent (HTTP 401, ${code}). Call the tool again; if it keeps failing, reconnect and sign in again.`;
  } else if (err.status === 403) {
    message = `Microsoft Graph denied the request (HTTP 403, ${code}): your account or the gateway lacks a permission Graph requires for this call.`;
  } else if (err.status === 429) {
    message = `Microsoft Graph is throttling requests (HTTP 429, ${code}).${when}`;
  } else if (err.status === 0) {
    message = `${err.message} (${code}). Try again in a minute.`;
  } else if (err.status >= 500) {
    message = `Microsoft Graph is unavailable (HTTP ${err.status}, ${code}).${when}`;
  } else {
    message = `Microsoft Graph refused the request (HTTP ${err.status}, ${code}).`;
  }
  return new GraphFailureError(message, err.status, code, err.retryAfterSeconds);
}
