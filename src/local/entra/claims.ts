import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { pairwiseSubject, userRoles, type ResourceRef } from './apps.js';
import type { AppRegistration, DirectoryUser } from './directory.js';
import type { KeyRing } from './keys.js';

export interface TokenContext {
  keys: KeyRing;
  tenantId: string;
  /** `https://sts.windows.net/{tid}/` in Entra; see `issuers()` in index.ts for the emulator's form. */
  issuerV1: string;
  /** `https://login.microsoftonline.com/{tid}/v2.0` in Entra. */
  issuerV2: string;
  /** Seconds since the epoch; tests pass a clock to make lifetimes deterministic. */
  now(): number;
  accessTokenLifetime: number;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** How the client authenticated: `azpacr`/`appidacr` 0 public, 1 secret, 2 certificate or assertion. */
export type ClientAuthLevel = '0' | '1' | '2';

const uti = () => randomBytes(16).toString('base64url').slice(0, 22);

/**
 * The version follows the *resource* app's `requestedAccessTokenVersion` (design row 8), not the endpoint.
 * `aud`: v2 tokens always carry the resource's app id; v1 tokens carry the resource exactly as requested,
 * `api://…` or the GUID (design row 9).
 */
function envelope(ctx: TokenContext, resource: ResourceRef) {
  const v2 = resource.app.requestedAccessTokenVersion === 2;
  const iat = ctx.now();
  return {
    v2,
    claims: {
      aud: v2 ? resource.app.appId : resource.requestedAs,
      iss: v2 ? ctx.issuerV2 : ctx.issuerV1,
      iat,
      nbf: iat,
      exp: iat + ctx.accessTokenLifetime,
    },
  };
}

export async function issueDelegatedAccessToken(
  ctx: TokenContext,
  input: {
    client: AppRegistration;
    user: DirectoryUser;
    resource: ResourceRef;
    scp: string[];
    authLevel: ClientAuthLevel;
    sid: string;
    /** The session did the second factor (v1 `amr` then names `mfa`). */
    mfa?: boolean;
    /** The directory's `groupsOverageLimit`. */
    groupsLimit: number;
  },
): Promise<IssuedToken> {
  const { v2, claims } = envelope(ctx, input.resource);
  const { user, client } = input;
  const roles = userRoles(user, input.resource.app);
  const common: JWTPayload = {
    ...claims,
    name: user.name,
    oid: user.oid,
    ...(roles.length ? { roles } : {}),
    ...groupClaims(ctx, user, input.resource.app, input.groupsLimit),
    scp: input.scp.join(' '),
    sid: input.sid,
    sub: pairwiseSubject(user.oid, input.resource.app.appId),
    tid: ctx.tenantId,
    uti: uti(),
  };
  const payload: JWTPayload = v2
    ? { ...common, azp: client.appId, azpacr: input.authLevel, preferred_username: user.username, ver: '2.0' }
    : {
        ...common,
        acr: '1',
        amr: input.mfa ? ['pwd', 'mfa'] : ['pwd'],
        appid: client.appId,
        appidacr: input.authLevel,
        unique_name: user.username,
        upn: user.username,
        ver: '1.0',
      };
  return { token: await ctx.keys.sign(payload, { x5t: !v2 }), expiresIn: ctx.accessTokenLifetime };
}

/**
 * `groups` only for a resource app that declares `groupMembershipClaims` (Microsoft Graph never does);
 * above the limit (Entra: 200 in a JWT) the overage claims point at the directory instead of the list.
 */
function groupClaims(ctx: TokenContext, user: DirectoryUser, resource: AppRegistration, limit: number): JWTPayload {
  const groups = user.groups ?? [];
  const declared = resource.groupMembershipClaims !== undefined && resource.groupMembershipClaims !== 'None';
  if (!declared || groups.length === 0) return {};
  if (groups.length <= limit) return { groups: [...groups] };
  return {
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: `https://graph.windows.net/${ctx.tenantId}/users/${user.oid}/getMemberObjects` } },
  };
}

export async function issueAppAccessToken(
  ctx: TokenContext,
  input: { clientAppId: string; clientObjectId: string; resource: ResourceRef; roles: string[]; authLevel: ClientAuthLevel; lifetimeSeconds?: number },
): Promise<IssuedToken> {
  const { v2, claims } = envelope(ctx, input.resource);
  const lifetime = input.lifetimeSeconds ?? ctx.accessTokenLifetime;
  claims.exp = claims.iat + lifetime;
  const common: JWTPayload = {
    ...claims,
    idtyp: 'app',
    oid: input.clientObjectId,
    ...(input.roles.length ? { roles: input.roles } : {}),
    sub: input.clientObjectId,
    tid: ctx.tenantId,
    uti: uti(),
  };
  const payload: JWTPayload = v2
    ? { ...common, azp: input.clientAppId, azpacr: input.authLevel, ver: '2.0' }
    : { ...common, appid: input.clientAppId, appidacr: input.authLevel, ver: '1.0' };
  return { token: await ctx.keys.sign(payload, { x5t: !v2 }), expiresIn: lifetime };
}

/** v2 ID token: always for the client (`aud` = client id), from the v2 issuer. */
export async function issueIdToken(
  ctx: TokenContext,
  input: { client: AppRegistration; user: DirectoryUser; nonce?: string; email: boolean },
): Promise<string> {
  const iat = ctx.now();
  return ctx.keys.sign({
    aud: input.client.appId,
    iss: ctx.issuerV2,
    iat,
    nbf: iat,
    exp: iat + 3600,
    name: input.user.name,
    ...(input.nonce ? { nonce: input.nonce } : {}),
    oid: input.user.oid,
    preferred_username: input.user.username,
    ...(input.email ? { email: input.user.username } : {}),
    sub: pairwiseSubject(input.user.oid, input.client.appId),
    tid: ctx.tenantId,
    uti: uti(),
    ver: '2.0',
  });
}

/** MSAL asks for `client_info=1`: base64url JSON of `uid` (oid) and `utid` (tenant), its account key. */
export function clientInfo(user: DirectoryUser, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: user.oid, utid: tenantId })).toString('base64url');
}
