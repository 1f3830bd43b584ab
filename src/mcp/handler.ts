import { AccessDeniedError, InsufficientScopeError, InvalidRequestError, InvalidTokenError, OAuthError, ServerError } from '../oauth/errors.js';
import { retryAfterHeader, storeUnavailableError } from '../http/respond.js';
import { isStoreUnavailable } from '../store/availability.js';
import type { GroupPermissionMap } from '../authz/requirements.js';
import { formatScope, SUPPORTED_SCOPES } from '../oauth/scopes.js';
import { authenticateMcpRequest, MissingTokenError, type AuthenticatorDeps, type McpPrincipal } from './authenticate.js';
import { readBoundedBody } from './body.js';
import { formatBearerChallenge, resourceMetadataUrl } from './challenge.js';
import { BadGatewayError, MethodNotAllowedError, NotFoundError } from './errors.js';
import { forwardToExtension } from './forward.js';
import type { GrantService } from '../oauth/grants.js';
import { clientResponseHeaders, upstreamQuery, upstreamRequestHeaders } from './headers.js';
import { createOriginPolicy } from './origin.js';
import { ALLOWED_METHODS, matchMcpPath, type McpEndpoint } from './paths.js';
import type { RingKey } from './sealed.js';
import { createToolSessionSealer, SESSION_HEADER } from './session-header.js';
import { rewriteEndpointData, SESSION_PARAM, sessionOwner, upstreamMessageQuery } from './sse-endpoint.js';
import { rewriteSse } from './sse-rewrite.js';
import { grantableStepUp, stepUpFor, StepUpRequiredError } from './step-up.js';
import { guardStream } from './stream-guard.js';
import { audit } from '../observability/audit.js';
import { observeForward, sseSessionOpened } from '../observability/metrics.js';

/** The part of a request the gateway reads (the Functions `HttpRequest` and fetch's `Request` both fit). */
export interface McpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array> | null;
}

export interface McpResponse {
  status: number;
  headers: Headers;
  /** The extension's reply as it arrives (an async iterable of chunks), the rewritten SSE stream, or the gateway's own JSON. */
  body?: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | string;
}

export interface McpGatewayOptions {
  baseUrl: string;
  /** Origins a browser may call the MCP endpoints from, besides the gateway's own (`MCP_ALLOWED_ORIGINS`). */
  allowedOrigins?: readonly string[];
  /** `…/runtime/webhooks/mcp` */
  extensionUrl: string;
  /** The `mcp_extension` system key (absent on Core Tools, which checks no keys). */
  extensionKey?: string;
  keyRing: readonly RingKey[];
  /** Upper bound of a tool session header and an SSE message endpoint (the grant's idle lifetime). */
  sessionLifetimeSeconds: number;
  authenticator: AuthenticatorDeps;
  grants: Pick<GrantService, 'entraAccessToken'>;
  /** GROUP_PERMISSIONS, to tell whether a step-up could grant the user a scope (default: none). */
  groupPermissions?: GroupPermissionMap;
  /** How often an open SSE stream re-checks its grant (default 15 s). */
  sseCheckIntervalMs?: number;
  now?: () => number;
}

/** Where unexpected failures are logged (the Functions `context.error`); never given a token. */
export type ErrorLog = (message: string, error: unknown) => void;

export type McpHandler = (request: McpRequest, logError?: ErrorLog) => Promise<McpResponse>;

/**
 * The one handler behind every MCP route: strict path match (404), authentication (401/403), method
 * (405), for a POST the step-up check of its `tools/call`s (403, `step-up.ts`), then forwarding to
 * the extension with the tool session header. Every error the gateway itself answers is
 * OAuth-shaped JSON (see `errors.ts`).
 */
export function createMcpGatewayHandler(options: McpGatewayOptions): McpHandler {
  const now = options.now ?? Date.now;
  // Every scope the server offers: clients ask for what the challenge names, and the gateway grants
  // only what the signed-in user is entitled to (src/authz/entitlement.ts). Clients that cannot step
  // up later (mcp-remote 0.15) thus reach the admin tools for an admin on the first sign-in.
  const challengeBase = { resourceMetadataUrl: resourceMetadataUrl(options.baseUrl), scope: formatScope(SUPPORTED_SCOPES) };
  const originAllowed = createOriginPolicy(options.baseUrl, options.allowedOrigins ?? []);
  const sealToolSession = createToolSessionSealer(options.keyRing, options.sessionLifetimeSeconds);

  async function handle(request: McpRequest, logError?: ErrorLog): Promise<McpResponse> {
    const endpoint = matchMcpPath(request.url);
    if (!endpoint) throw new NotFoundError('There is nothing here. The MCP endpoints are /mcp (streamable HTTP) and /mcp/sse (legacy SSE).');
    if (!originAllowed(request.headers.get('origin'))) {
      throw new AccessDeniedError('Requests from this Origin are not allowed; the operator can add it to MCP_ALLOWED_ORIGINS.');
    }
    const principal = await authenticateMcpRequest(options.authenticator, request.headers.get('authorization'));
    const method = request.method.toUpperCase();
    const allowed = ALLOWED_METHODS[endpoint];
    if (!allowed.includes(method)) throw new MethodNotAllowedError(`This endpoint accepts ${allowed.join(', ')}.`, allowed);
    return forward(endpoint, method, request, principal, logError);
  }

  async function forward(endpoint: McpEndpoint, method: string, request: McpRequest, principal: McpPrincipal, logError?: ErrorLog): Promise<McpResponse> {
    const query = new URL(request.url, options.baseUrl).searchParams;
    const expiresAt = Math.floor(now() / 1000) + options.sessionLifetimeSeconds;
    let target: string;
    if (endpoint === 'message') {
      const upstream = await upstreamMessageQuery(options.keyRing, query.get(SESSION_PARAM), sessionOwner(principal), now());
      if (upstream === undefined) {
        throw new InvalidRequestError('Unknown or expired SSE session for this user; connect to /mcp/sse again.');
      }
      target = `${options.extensionUrl}/message${upstream ? `?${upstream}` : ''}`;
    } else {
      target = `${options.extensionUrl}${endpoint === 'sse' ? '/sse' : ''}${upstreamQuery(query)}`;
    }
    // A POST carries JSON-RPC messages: read once (bounded), checked, and the same bytes forwarded.
    let body: ReadableStream<Uint8Array> | Uint8Array | null = request.body;
    if (method === 'POST') {
      const read = await readBoundedBody(request.body, request.headers.get('content-length'));
      body = read?.kind === 'whole' ? read.bytes : (read?.stream ?? null);
      const needed = read?.kind === 'whole' ? stepUpFor(new TextDecoder().decode(read.bytes), principal.scopes) : undefined;
      const stepUp = grantableStepUp(needed, principal, options.groupPermissions ?? {});
      if (stepUp) {
        audit('step_up.refused', { userId: principal.oid, clientId: principal.clientId, tools: stepUp.tools, scopes: stepUp.missingScopes });
        throw new StepUpRequiredError(stepUp);
      }
    }
    const gatewayHeaders: Record<string, string> = {
      [SESSION_HEADER]: await sealToolSession(principal, now()),
    };
    if (options.extensionKey) gatewayHeaders['x-functions-key'] = options.extensionKey;
    const upstream = await observeForward(endpoint, () =>
      forwardToExtension({ method, url: target, headers: upstreamRequestHeaders(request.headers, gatewayHeaders), body }),
    );
    if (upstream.status === 401 || upstream.status === 403) {
      // The extension refused *our* key: a configuration fault, not the client's. Never relay it as a
      // 401, which would send the client into a pointless sign-in loop.
      upstream.body.destroy();
      logError?.('The MCP extension refused the gateway key; check MCP_EXTENSION_KEY.', upstream.status);
      throw new BadGatewayError('The MCP server is misconfigured; ask its administrator to check the logs.');
    }
    const headers = clientResponseHeaders(upstream.headers);
    if (endpoint !== 'sse') return { status: upstream.status, headers, body: upstream.body };
    // Guard the raw upstream (revoking destroys it), then re-frame what gets through.
    const guarded = guardStream(upstream.body, {
      stillAuthorised: () => stillAuthorised(principal),
      intervalMs: options.sseCheckIntervalMs ?? 15_000,
      onEnd: sseSessionOpened(),
    });
    const reply = rewriteSse(guarded, {
      rewriteEndpoint: (data) =>
        rewriteEndpointData(data, {
          ring: options.keyRing,
          upstreamSseUrl: target,
          upstreamMessageUrl: `${options.extensionUrl}/message`,
          owner: sessionOwner(principal),
          expiresAtSeconds: principal.kind === 'entra' ? principal.expiresAt : expiresAt,
        }),
    });
    return { status: upstream.status, headers, body: reply };
  }

  async function stillAuthorised(principal: McpPrincipal): Promise<boolean> {
    if (principal.kind === 'entra') return principal.expiresAt * 1000 > now();
    // The grant service refuses an ended or revoked grant with InvalidTokenError; any other failure
    // (Entra briefly unreachable during a renewal) keeps the stream: the next check decides again.
    return options.grants.entraAccessToken(principal.grantId, principal.grantKey).then(
      () => true,
      (error: unknown) => !(error instanceof InvalidTokenError),
    );
  }

  return async (request, logError) => {
    try {
      return await handle(request, logError);
    } catch (error) {
      return errorResponse(error, challengeBase, logError);
    }
  };
}

function errorResponse(error: unknown, challenge: { resourceMetadataUrl: string; scope: string }, logError?: ErrorLog): McpResponse {
  let known: OAuthError;
  if (error instanceof OAuthError) known = error;
  else if (isStoreUnavailable(error)) {
    logError?.('Cosmos DB is unavailable; answered 503', error);
    known = storeUnavailableError();
  } else {
    logError?.('Unexpected error in the MCP gateway', error);
    known = new ServerError('The gateway hit an unexpected error; try again.');
  }
  const headers = new Headers({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  if (known instanceof MissingTokenError) headers.set('WWW-Authenticate', formatBearerChallenge(challenge));
  else if (known instanceof InvalidTokenError || known instanceof InsufficientScopeError) {
    const code = known instanceof InvalidTokenError ? 'invalid_token' : 'insufficient_scope';
    // A step-up names the scopes to ask for; every other refusal names the route's own.
    const scope = known instanceof StepUpRequiredError ? formatScope(known.scope) : challenge.scope;
    headers.set('WWW-Authenticate', formatBearerChallenge({ ...challenge, scope, error: code, errorDescription: known.description }));
  }
  if (known instanceof MethodNotAllowedError) headers.set('Allow', known.allow.join(', '));
  if (known.status === 503) for (const [name, value] of Object.entries(retryAfterHeader())) headers.set(name, value);
  return { status: known.status, headers, body: JSON.stringify(known.toResponseObject()) };
}
