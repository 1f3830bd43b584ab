import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { LOCAL_TENANT_ID } from '../defaults.js';
import { findResource } from './apps.js';
import { issueAppAccessToken, type TokenContext } from './claims.js';
import type { EmulatorContext } from './context.js';
import { handleAuthorize } from './authorize.js';
import { buildDirectory, type Directory, type DirectoryInput } from './directory.js';
import { openIdConfigurationV1, openIdConfigurationV2 } from './discovery.js';
import { EntraError } from './errors.js';
import { errorLookupPage, errorPage } from './html.js';
import { sendHtml, sendJson } from './http.js';
import { KeyRing } from './keys.js';
import { GrantStore, newCounters, type EntraCounters, type SavedGrants } from './state.js';
import { handleToken } from './token.js';

export type { DirectoryInput, Directory, AppRegistration, DirectoryUser } from './directory.js';
export type { EntraCounters } from './state.js';
export { TOKEN_EXCHANGE_AUDIENCE } from './directory.js';

export interface EntraEmulatorOptions {
  /** 0 (default) picks a free port; `npm start` passes DEFAULT_PORTS.entra. */
  port?: number;
  /** Bind address; default `localhost`. */
  hostname?: string;
  directory?: DirectoryInput;
  /** Extra web redirect URIs for the gateway app (e.g. `{BASE_URL}/callback`). */
  redirectUris?: string[];
  accessTokenLifetimeSeconds?: number;
  refreshTokenLifetimeSeconds?: number;
  /** Clock in milliseconds since the epoch; tests pass one to test expiry without waiting. */
  now?: () => number;
  /** What an earlier run's `save()` returned (`npm start` keeps it in `.local/`): its signing keys and grants. */
  saved?: SavedEntraState;
}

/** The emulator's state that outlives a restart: tokens it issued keep verifying, refresh tokens keep working. */
export interface SavedEntraState {
  keys: JWK[];
  grants: SavedGrants;
}

export interface EntraEmulator {
  /** Origin, e.g. `http://localhost:7072`; browsers open its sign-in page without warnings. */
  url: string;
  /** The value for the gateway's ENTRA_AUTHORITY_HOST setting. */
  authorityHost: string;
  tenantId: string;
  /** `{url}/{tenantId}/v2.0`: issuer of v2 tokens, ID tokens and managed identity assertions. */
  issuerV2: string;
  /** `http://127.0.0.1:{port}/{tenantId}/`: issuer of v1 tokens (Entra's `https://sts.windows.net/{tid}/`). */
  issuerV1: string;
  counters: EntraCounters;
  directory: Directory;
  resetCounters(): void;
  rotateSigningKey(): Promise<void>;
  /** Its signing keys and grants, for `saved` of the next start. */
  save(): Promise<SavedEntraState>;
  /**
   * Graph's `revokeSignInSessions` for a user (oid or username): sessions and refresh tokens from
   * before now are refused with AADSTS50173 (refresh and on-behalf-of).
   */
  revokeSignInSessions(user: string): void;
  /** What the managed identity endpoint asks its tenant for (in Azure this happens inside the platform). */
  issueManagedIdentityToken(
    identity: { clientId?: string; principalId?: string },
    resource: string,
  ): Promise<{ accessToken: string; expiresOn: number; clientId: string }>;
  close(): Promise<void>;
}

const MULTI_TENANT_ALIASES = new Set(['common', 'organizations']);
/** What the platform's identity endpoint gives out: tokens valid for about a day. */
export const MANAGED_IDENTITY_TOKEN_LIFETIME = 24 * 3600;

/**
 * Starts the Entra ID emulator on loopback HTTP.
 *
 * Issuers: Entra's v2 issuer is `https://login.microsoftonline.com/{tid}/v2.0`, on the authority host; its
 * v1 issuer `https://sts.windows.net/{tid}/` is on a *different* host. The emulator keeps that shape:
 * v2 is `{url}/{tid}/v2.0`, v1 is `http://127.0.0.1:{port}/{tid}/` (same server, another host name), so a
 * validator that builds the v1 issuer from the authority host fails here just as it would against Entra;
 * the v1 discovery document (`/{tid}/.well-known/openid-configuration`) names it, as Entra's does.
 */
export async function startEntraEmulator(options: EntraEmulatorOptions = {}): Promise<EntraEmulator> {
  const hostname = options.hostname ?? 'localhost';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = ['localhost', '127.0.0.1', '::1', '0.0.0.0', '::'].includes(hostname) ? 'localhost' : hostname;
  const origin = `http://${urlHost}:${port}`;
  const clockMs = options.now ?? Date.now;
  const now = () => Math.floor(clockMs() / 1000);
  const keys = await KeyRing.create(options.saved?.keys);
  let directory: Directory;
  try {
    directory = buildDirectory(options.directory, options.redirectUris ?? [], `${origin}/${LOCAL_TENANT_ID}/v2.0`);
  } catch (e) {
    server.close();
    throw e;
  }
  const tokens: TokenContext = {
    keys,
    tenantId: directory.tenantId,
    issuerV1: `http://127.0.0.1:${port}/${directory.tenantId}/`,
    issuerV2: `${origin}/${directory.tenantId}/v2.0`,
    now,
    accessTokenLifetime: options.accessTokenLifetimeSeconds ?? 3599,
  };
  const grants = new GrantStore(now, options.refreshTokenLifetimeSeconds ?? 90 * 24 * 3600);
  if (options.saved) grants.restore(options.saved.grants);
  const ctx: EmulatorContext = { directory, tokens, grants, counters: newCounters(), origin, nowMs: clockMs };
  server.on('request', (req, res) => {
    route(ctx, req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'The emulator failed to handle the request.' });
      else res.end();
    });
  });

  return {
    url: origin,
    authorityHost: origin,
    tenantId: directory.tenantId,
    issuerV1: tokens.issuerV1,
    issuerV2: tokens.issuerV2,
    get counters() {
      return ctx.counters;
    },
    directory,
    resetCounters: () => {
      ctx.counters = newCounters();
    },
    rotateSigningKey: () => keys.rotate(),
    save: async () => ({ keys: await keys.save(), grants: ctx.grants.save() }),
    revokeSignInSessions: (who) => {
      const user = directory.users.find((u) => u.oid === who || u.username.toLowerCase() === who.toLowerCase());
      if (!user) throw new Error(`revokeSignInSessions: no user ${who} in the emulator's directory`);
      user.signInSessionsValidFrom = clockMs();
    },
    issueManagedIdentityToken: (identity, resource) => issueManagedIdentityToken(ctx, identity, resource),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', ctx.origin);
  const [tenant, ...rest] = url.pathname.split('/').filter(Boolean);
  const path = rest.join('/');
  if (tenant === 'error' && rest.length === 0) return sendHtml(res, 200, errorLookupPage(url.searchParams.get('code') ?? ''));
  const known = tenant !== undefined && knownTenant(ctx, tenant);
  const isAlias = tenant !== undefined && MULTI_TENANT_ALIASES.has(tenant.toLowerCase());
  const tenantSegment = isAlias ? '{tenantid}' : ctx.directory.tenantId;
  const get = req.method === 'GET';
  const handlers: Record<string, (() => Promise<void> | void) | undefined> = {
    'v2.0/.well-known/openid-configuration': get ? () => sendJson(res, 200, openIdConfigurationV2(ctx, tenant!, tenantSegment)) : undefined,
    '.well-known/openid-configuration': get ? () => sendJson(res, 200, openIdConfigurationV1(ctx, tenant!, tenantSegment)) : undefined,
    'discovery/v2.0/keys': get ? () => sendJson(res, 200, ctx.tokens.keys.jwks(isAlias ? undefined : ctx.tokens.issuerV2)) : undefined,
    'discovery/keys': get ? () => sendJson(res, 200, ctx.tokens.keys.jwks()) : undefined,
    'oauth2/v2.0/authorize': get || req.method === 'POST' ? () => handleAuthorize(ctx, req, res, url) : undefined,
    'oauth2/v2.0/token': req.method === 'POST' ? () => handleToken(ctx, req, res, url) : undefined,
  };
  const handler = handlers[path];
  if (!handler) return sendHtml(res, 404, '<!doctype html><title>404</title><p>Not found.</p>');
  if (!known) {
    const err = new EntraError('tenantNotFound', { tenant: tenant ?? '' });
    return path.endsWith('authorize') ? sendHtml(res, 400, errorPage(err)) : sendJson(res, 400, err.toJson(ctx.origin));
  }
  await handler();
}

function knownTenant(ctx: EmulatorContext, tenant: string): boolean {
  const t = tenant.toLowerCase();
  return t === ctx.directory.tenantId || t === ctx.directory.tenantName.toLowerCase() || MULTI_TENANT_ALIASES.has(t);
}

async function issueManagedIdentityToken(
  ctx: EmulatorContext,
  identity: { clientId?: string; principalId?: string },
  resource: string,
): Promise<{ accessToken: string; expiresOn: number; clientId: string }> {
  const mi = ctx.directory.managedIdentities.find(
    (m) => (identity.clientId && m.clientId === identity.clientId) || (identity.principalId && m.principalId === identity.principalId),
  );
  if (!mi) throw new EntraError('noManagedIdentity', { identity: identity.clientId ?? identity.principalId ?? '(system-assigned)' });
  const identifier = resource.replace(/\/\.default$/, '');
  const ref = findResource(ctx.directory, identifier);
  if (!ref) throw new EntraError('resourceNotFound', { resource: identifier, tenantName: ctx.directory.tenantName });
  ctx.counters.managedIdentityTokens++;
  // Managed identity tokens live about 24 hours. The token-exchange app asks for v2 tokens, so the
  // federated-credential assertion's `aud` is its app id (fb60f99c-…), not api://AzureADTokenExchange.
  const issued = await issueAppAccessToken(ctx.tokens, {
    clientAppId: mi.clientId,
    clientObjectId: mi.principalId,
    resource: ref,
    roles: [],
    authLevel: '2',
    lifetimeSeconds: MANAGED_IDENTITY_TOKEN_LIFETIME,
  });
  return { accessToken: issued.token, expiresOn: ctx.tokens.now() + issued.expiresIn, clientId: mi.clientId };
}
