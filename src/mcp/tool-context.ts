import { decodeJwt } from 'jose';
import type { GrantService } from '../oauth/grants.js';
import { normaliseHeaderName } from './headers.js';
import { SESSION_HEADER, openToolSession, type ToolSession } from './session-header.js';
import type { RingKey } from './sealed.js';
import type { EntraUser } from '../entra/user.js';
import { explainMsalError } from '../entra/aadsts.js';
import { InvalidTokenError } from '../oauth/errors.js';
import { isStoreUnavailable } from '../store/availability.js';

/**
 * What an MCP tool trigger knows about its caller, resolved from the gateway's session header in the
 * tool's context (`transport.properties.headers`). `entraAccessToken()` returns a currently valid
 * Entra access token for the gateway's API (for on-behalf-of): renewed through the grant when near
 * expiry, so a long SSE session keeps working after the first Entra token lapsed. The token is for
 * server-side use only: never return it in a tool result, log it or put it in an error.
 */
export interface ToolUser extends EntraUser {
  /** The MCP client (gateway client id, or the Entra `azp`/`appid` of a direct Entra token). */
  clientId: string;
  /** The gateway scopes of the session (`mcp:tools`, `mcp:admin`). */
  scopes: string[];
  /** The gateway grant (session) behind the call; absent for a direct Entra token. Not a secret. */
  grantId?: string;
  entraAccessToken(): Promise<string>;
}

/** The app's `Deps` fits: the key ring from the configuration and the grant service. */
export interface ToolContextDeps {
  config: { tokens: { encryptionKeys: readonly RingKey[] } };
  grants: Pick<GrantService, 'entraAccessToken'>;
  now?: () => number;
}

/**
 * Why a tool cannot act for the caller. The message is safe to show (the extension hides thrown
 * errors, so a tool should return it as its result) and never holds a token.
 */
export class ToolAuthError extends Error {
  override readonly name = 'ToolAuthError';
}

/** The session is fine, but Entra ID or the gateway's storage could not be reached to use it: retry. */
export class ToolSessionUnavailableError extends Error {
  override readonly name = 'ToolSessionUnavailableError';
}

/** `x-mcp-gateway-session`, `X-Mcp-Gateway-Session` and `xMcpGatewaySession` all normalise alike. */
const HEADER_KEY = normaliseHeaderName(SESSION_HEADER);

/**
 * The session header's value from the tool argument. The extension passes the request headers as
 * an object (several values joined with ","); a camel-casing layer may have renamed the keys, so the
 * name is matched ignoring case and dashes. Exactly one value is accepted.
 */
export function sessionHeaderFrom(toolArgument: unknown): string | undefined {
  const context = typeof toolArgument === 'string' ? parseJson(toolArgument) : toolArgument;
  const transport = (context as { transport?: { properties?: { headers?: unknown } } } | null)?.transport;
  const headers = transport?.properties?.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const values = Object.entries(headers as Record<string, unknown>)
    .filter(([name]) => normaliseHeaderName(name) === HEADER_KEY)
    .map(([, value]) => (Array.isArray(value) && value.length === 1 ? value[0] : value));
  if (values.length !== 1 || typeof values[0] !== 'string' || values[0].includes(',')) return undefined;
  return values[0];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function resolveToolUser(toolArgument: unknown, deps: ToolContextDeps): Promise<ToolUser> {
  const now = deps.now ?? Date.now;
  const sealed = sessionHeaderFrom(toolArgument);
  if (!sealed) throw new ToolAuthError('This tool must be called through the MCP gateway by a signed-in user.');
  let session: ToolSession;
  try {
    session = await openToolSession(deps.config.tokens.encryptionKeys, sealed, now());
  } catch {
    throw new ToolAuthError('The MCP session has expired or is not valid; reconnect and sign in again.');
  }
  return session.kind === 'grant' ? grantUser(session, deps) : entraUser(session, now);
}

/**
 * The grant is checked at once (revoked or ended: refused here, not only when the token is asked for):
 * the grant service reads it from its cache or with one point read, and renews the Entra token only
 * when it is near expiry, so this costs nothing on the hot path.
 */
async function grantUser(session: Extract<ToolSession, { kind: 'grant' }>, deps: ToolContextDeps): Promise<ToolUser> {
  const current = async (): Promise<string> => {
    try {
      return (await deps.grants.entraAccessToken(session.grantId, session.grantKey)).accessToken;
    } catch (err) {
      // The cause may quote Entra; the tool gets only what it can show. A transient failure (Entra or
      // Cosmos unreachable) must not tell the user to sign in again: the grant is kept, a retry works.
      if (!(err instanceof InvalidTokenError) && (isStoreUnavailable(err) || explainMsalError(err, '').error === 'temporarily_unavailable')) {
        throw new ToolSessionUnavailableError(
          "Entra ID or the gateway's storage could not be reached to renew this session's Entra ID token; you are still signed in, try again shortly.",
        );
      }
      throw new ToolAuthError('The sign-in session has ended, was revoked, or its Entra ID token cannot be renewed; sign in again.');
    }
  };
  await current();
  return {
    oid: session.oid,
    tid: session.tid,
    ...session.user,
    clientId: session.clientId,
    scopes: session.scopes,
    grantId: session.grantId,
    entraAccessToken: current,
  };
}

function entraUser(session: Extract<ToolSession, { kind: 'entra' }>, now: () => number): ToolUser {
  // The gateway validated this token before sealing it; the seal (AES-GCM under our key) proves that.
  const claims = decodeJwt(session.entraToken);
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const username = [claims.preferred_username, claims.upn, claims.unique_name].find((v) => typeof v === 'string');
  return {
    oid: session.oid,
    tid: session.tid,
    name: typeof claims.name === 'string' ? claims.name : undefined,
    username: username as string | undefined,
    roles: strings(claims.roles),
    groups: strings(claims.groups),
    clientId: session.clientId,
    scopes: session.scopes,
    async entraAccessToken() {
      // No grant means nothing to renew from: the client must reconnect with a fresh Entra token.
      if (session.expiresAt * 1000 <= now()) throw new ToolAuthError('The Entra ID token of this session has expired; reconnect.');
      return session.entraToken;
    },
  };
}
