import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { OpenedCache } from '../crypto/opened-cache.js';
import { InvalidTokenError } from '../oauth/errors.js';
import type { EntraUser } from './user.js';

/**
 * Validation of Entra ID access tokens issued for the gateway's own API (design §5), for clients that
 * present an Entra token at /mcp instead of the gateway's session token.
 *
 * - RS256 only: `alg: none`, HS256 (even "signed" with the public key) and every other algorithm fail.
 * - Keys come from the `jwks_uri` of the authority's OIDC discovery; jose's remote key set caches them
 *   and refetches on an unknown `kid` no more than once per `JWKS_COOLDOWN_MS`.
 * - Issuers are learnt from discovery too, not built in code: the v2 document names
 *   `{authority}/{tid}/v2.0` and the v1 document `https://sts.windows.net/{tid}/` (or the national
 *   cloud's, or the emulator's), so Azure and the local stack differ only by `authorityHost`. Each is a
 *   template in which the configured tenant id (or Entra's `{tenantid}` placeholder) is replaced by
 *   each allowed tenant.
 * - `aud` is `{apiClientId}` or `api://{apiClientId}`; `scp` must contain the API scope (so app-only
 *   tokens, which have `roles` but no `scp`, and tokens for other resources such as Graph are refused).
 * - A token found valid is remembered (`OpenedCache`: by digest, bounded) until its `exp` plus the
 *   tolerance, so the tools, which re-validate the session's Entra token on every call, check the RS256
 *   signature once per token rather than once per call. Consequence: a signing key Entra withdraws stops
 *   a token already seen here only when that token expires (at most about an hour).
 */
export interface EntraTokenValidatorOptions {
  authorityHost: string;
  /** The tenant whose discovery documents are read (the gateway's own). */
  tenantId: string;
  allowedTenants: readonly string[];
  apiClientId: string;
  /** The bare scope name the API exposes (`access_as_user`). */
  apiScopeName: string;
  now?: () => number;
  /** Minimum time between two key-set fetches (an unknown `kid` waits for it); default `JWKS_COOLDOWN_MS`. */
  jwksCooldownMs?: number;
  /** How many validated tokens to remember; default 10 000. */
  validatedCacheEntries?: number;
}

/** What the gateway uses from a valid Entra access token. */
export interface EntraTokenClaims extends EntraUser {
  /** The Entra client the token was issued to (`azp` in v2, `appid` in v1). */
  clientId: string;
  scopes: string[];
  aud: string;
  /** Seconds since the epoch. */
  exp: number;
  /**
   * Group overage: the user is in more groups than a token holds (Entra: 200), so the token names
   * `_claim_names.groups` instead of listing them, and `groups` is empty. Membership must then be read
   * from Microsoft Graph (see src/tools/group-membership.ts).
   */
  groupsOverage: boolean;
}

export interface EntraTokenValidator {
  /** Throws `InvalidTokenError` (its description never contains the token) unless the token is valid. */
  validate(token: string): Promise<EntraTokenClaims>;
}

export const ENTRA_CLOCK_TOLERANCE_SECONDS = 300;
export const JWKS_COOLDOWN_MS = 30_000;
const JWKS_MAX_AGE_MS = 6 * 60 * 60 * 1000;
const DISCOVERY_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const DISCOVERY_TIMEOUT_MS = 5_000;

interface Discovered {
  issuerTemplates: string[];
  jwks: ReturnType<typeof createRemoteJWKSet>;
  fetchedAt: number;
}

export function createEntraTokenValidator(options: EntraTokenValidatorOptions): EntraTokenValidator {
  const now = options.now ?? Date.now;
  const audiences = [options.apiClientId, `api://${options.apiClientId}`];
  let discovered: Promise<Discovered> | undefined;
  const validated = new OpenedCache<EntraTokenClaims>(options.validatedCacheEntries);

  function discover(): Promise<Discovered> {
    if (!discovered) {
      discovered = loadDiscovery(options, now()).catch((error: unknown) => {
        discovered = undefined; // a failed discovery is retried on the next token, not cached
        throw error;
      });
    }
    return discovered;
  }

  return {
    async validate(token) {
      const cacheKey = OpenedCache.key(token);
      const known = validated.get(cacheKey, now());
      if (known) return known;
      let meta = await discover().catch(() => {
        throw new InvalidTokenError('Entra ID token keys are unavailable right now; try again shortly.');
      });
      if (now() - meta.fetchedAt > DISCOVERY_MAX_AGE_MS) {
        discovered = undefined;
        meta = await discover().catch(() => meta);
      }
      const issuers = options.allowedTenants.flatMap((tid) => meta.issuerTemplates.map((t) => issuerFor(t, options.tenantId, tid)));
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, meta.jwks, {
          algorithms: ['RS256'],
          issuer: issuers,
          audience: audiences,
          clockTolerance: ENTRA_CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
          requiredClaims: ['exp', 'iss', 'aud', 'tid', 'oid', 'scp'],
        }));
      } catch (error) {
        throw new InvalidTokenError(describe(error));
      }
      const claims = checkClaims(payload, meta.issuerTemplates, options);
      // Until jose's own `exp` check (with the tolerance) would refuse it.
      validated.set(cacheKey, claims, (claims.exp + ENTRA_CLOCK_TOLERANCE_SECONDS) * 1000);
      return claims;
    },
  };
}

function issuerFor(template: string, configuredTenant: string, tid: string): string {
  return template.replaceAll('{tenantid}', tid).replaceAll(configuredTenant, tid);
}

function checkClaims(payload: JWTPayload, templates: string[], options: EntraTokenValidatorOptions): EntraTokenClaims {
  const tid = payload.tid;
  const oid = payload.oid;
  if (typeof tid !== 'string' || typeof oid !== 'string') throw new InvalidTokenError('The Entra token lacks a user (oid, tid).');
  if (!options.allowedTenants.includes(tid)) throw new InvalidTokenError('The Entra token is from a tenant this server does not accept.');
  // jose checked that iss is *some* allowed tenant's issuer; it must be the issuer of the token's own tenant.
  if (!templates.some((t) => issuerFor(t, options.tenantId, tid) === payload.iss)) {
    throw new InvalidTokenError("The Entra token's issuer does not match its tenant.");
  }
  const scopes = typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : [];
  if (!scopes.includes(options.apiScopeName)) {
    throw new InvalidTokenError(`The Entra token does not carry the "${options.apiScopeName}" scope of this API.`);
  }
  const clientId = typeof payload.azp === 'string' ? payload.azp : typeof payload.appid === 'string' ? payload.appid : '';
  const username = [payload.preferred_username, payload.upn, payload.unique_name].find((v) => typeof v === 'string');
  return {
    oid,
    tid,
    name: typeof payload.name === 'string' ? payload.name : undefined,
    username: username as string | undefined,
    roles: stringArray(payload.roles),
    groups: stringArray(payload.groups),
    clientId,
    scopes,
    aud: payload.aud as string,
    exp: payload.exp as number,
    groupsOverage: typeof (payload._claim_names as { groups?: unknown } | undefined)?.groups === 'string',
  };
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function describe(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The Entra access token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return `The Entra access token's "${error.claim}" claim is not valid for this server.`;
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The Entra access token must be signed with RS256.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The Entra access token was not signed by a key of the Entra authority.';
  return 'The Entra access token is malformed or its signature is not valid.';
}

interface OidcDocument {
  issuer: string;
  jwks_uri: string;
}

/**
 * Reads the v2 and v1 discovery documents of the configured tenant. Only the authority host is ever
 * contacted: a `jwks_uri` on another origin is refused (no SSRF through a tampered document).
 */
async function loadDiscovery(options: EntraTokenValidatorOptions, fetchedAt: number): Promise<Discovered> {
  const base = `${options.authorityHost}/${options.tenantId}`;
  const v2 = await fetchDocument(`${base}/v2.0/.well-known/openid-configuration`);
  const v1 = await fetchDocument(`${base}/.well-known/openid-configuration`).catch(() => undefined);
  const jwksUrl = new URL(v2.jwks_uri);
  if (jwksUrl.origin !== new URL(options.authorityHost).origin) {
    throw new Error('the discovery document names a jwks_uri outside the authority host');
  }
  const jwks = createRemoteJWKSet(jwksUrl, {
    cooldownDuration: options.jwksCooldownMs ?? JWKS_COOLDOWN_MS,
    cacheMaxAge: JWKS_MAX_AGE_MS,
    timeoutDuration: DISCOVERY_TIMEOUT_MS,
  });
  const issuerTemplates = [v2.issuer, ...(v1 ? [v1.issuer] : [])];
  return { issuerTemplates, jwks, fetchedAt };
}

async function fetchDocument(url: string): Promise<OidcDocument> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) throw new Error(`discovery answered HTTP ${response.status}`);
  const body = (await response.json()) as Partial<OidcDocument>;
  if (typeof body.issuer !== 'string' || typeof body.jwks_uri !== 'string') {
    throw new Error('discovery document lacks issuer or jwks_uri');
  }
  return { issuer: body.issuer, jwks_uri: body.jwks_uri };
}
