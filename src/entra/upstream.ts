import type { AccountInfo, AuthenticationResult, ConfidentialClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { InvalidTokenError } from '../oauth/errors.js';
import type { GrantUser } from '../store/grants.js';
import { oboErrorFrom } from './obo.js';

/** The Entra tokens a grant keeps server-side (sealed at rest by the grant service). */
export interface EntraTokens {
  accessToken: string;
  /** Epoch ms. */
  expiresOn: number;
  /** Absent only if Entra issued none (offline_access refused); the grant then cannot renew upstream. */
  refreshToken?: string;
}

export interface EntraSignIn {
  user: GrantUser;
  tokens: EntraTokens;
}

/**
 * The gateway's side of the Entra sign-in, as a confidential client:
 *
 * - `authorizationUrl` is Entra's authorize URL (from the authority's discovery document) for the
 *   gateway's own API scope plus `openid profile offline_access`, with the gateway's PKCE challenge,
 *   `prompt=select_account` and `{BASE_URL}/callback`; never a `resource` parameter.
 * - `redeemCode` exchanges Entra's code (with the PKCE verifier) for tokens and the signed-in user.
 * - `refresh` renews the Entra tokens with the Entra refresh token (the grant service's `refreshUpstream`).
 *
 * Errors from Entra are MSAL errors, unchanged: callers explain them with `explainMsalError`.
 */
export interface EntraUpstream {
  authorizationUrl(input: { state: string; codeChallenge: string } & SignInHints): Promise<string>;
  redeemCode(input: { code: string; codeVerifier: string }): Promise<EntraSignIn>;
  refresh(refreshToken: string): Promise<EntraTokens>;
}

/**
 * For a sign-in that must satisfy a Conditional Access claims challenge (see docs/tools.md): the
 * challenge as Entra sent it, and the user it is for (`login_hint`), so Entra asks that user for the
 * policy's step (MFA) instead of an account picker.
 */
export interface SignInHints {
  claims?: string;
  loginHint?: string;
}

/**
 * Entra refused to renew the session's tokens for good: the user must sign in again (Conditional Access
 * now wants MFA, AADSTS50076/50079; sessions revoked, 50173; refresh token expired, 700082; …). It is an
 * `invalid_token`, and the grant service ends the grant on it, so the MCP client is made to re-authorize
 * instead of refreshing its gateway session into the same refusal.
 */
export class EntraSessionEndedError extends InvalidTokenError {
  constructor(readonly aadsts: string | undefined) {
    super(`Entra ID requires you to sign in again${aadsts ? ` (AADSTS${aadsts})` : ''}; reconnect the MCP client and sign in.`);
  }
}

/** The MSAL methods used here; `ConfidentialClientApplication` has them. */
export type MsalClient = Pick<ConfidentialClientApplication, 'getAuthCodeUrl' | 'acquireTokenByCode' | 'acquireTokenByRefreshToken' | 'getTokenCache'>;

export interface UpstreamSettings {
  baseUrl: string;
  /** The API scope in GUID form (`{appId}/name`), see `config.entra.apiScope`. */
  apiScope: string;
}

export function entraScopes(apiScope: string): string[] {
  return [apiScope, 'openid', 'profile', 'offline_access'];
}

/** `msal`: the shared MSAL client (see `lazyConfidentialClient`); its first use may fetch the discovery document. */
export function createEntraUpstream(msal: () => Promise<MsalClient>, settings: UpstreamSettings): EntraUpstream {
  const scopes = entraScopes(settings.apiScope);
  const redirectUri = `${settings.baseUrl}/callback`;
  return {
    async authorizationUrl({ state, codeChallenge, claims, loginHint }) {
      return (await msal()).getAuthCodeUrl({
        scopes,
        redirectUri,
        state,
        codeChallenge,
        codeChallengeMethod: 'S256',
        // With a login hint the user is known: no account picker, straight to that account's steps.
        ...(loginHint ? { loginHint } : { prompt: 'select_account' }),
        ...(claims ? { claims } : {}),
        responseMode: 'query',
      });
    },

    async redeemCode({ code, codeVerifier }) {
      const client = await msal();
      const result = await client.acquireTokenByCode({ code, codeVerifier, scopes, redirectUri });
      const refreshToken = await takeRefreshToken(client, result.account);
      return { user: userOf(result), tokens: tokensOf(result, refreshToken) };
    },

    async refresh(refreshToken) {
      // forceCache: without an account in the cache MSAL would drop the response, and with it the
      // rotated refresh token, which only the cache holds.
      const client = await msal();
      const result = await client.acquireTokenByRefreshToken({ refreshToken, scopes, forceCache: true }).catch((err: unknown) => {
        const kind = oboErrorFrom(err);
        if (kind.kind === 'interaction_required' || kind.kind === 'session_expired') throw new EntraSessionEndedError(kind.aadsts);
        throw err;
      });
      if (!result) throw new Error('Entra returned no tokens for the refresh token request.');
      const rotated = await takeRefreshToken(client, result.account);
      return tokensOf(result, rotated ?? refreshToken);
    },
  };
}

interface SerializedCache {
  RefreshToken?: Record<string, { home_account_id?: string; secret?: string }>;
}

/**
 * MSAL keeps the Entra refresh token in its token cache and never returns it. The gateway keeps it in
 * the grant instead (sealed), so it reads it out of the serialized cache and then removes the account:
 * the shared MSAL instance holds no user's tokens after the call. (Two sign-ins of the same user at the
 * same instant may both read the later refresh token; Entra keeps both valid, so both grants work.)
 */
async function takeRefreshToken(msal: MsalClient, account: AccountInfo | null): Promise<string | undefined> {
  if (!account) return undefined;
  const cache = msal.getTokenCache();
  const serialized = JSON.parse(cache.serialize()) as SerializedCache;
  const entry = Object.values(serialized.RefreshToken ?? {}).find((rt) => rt.home_account_id === account.homeAccountId);
  await cache.removeAccount(account);
  return entry?.secret;
}

function tokensOf(result: AuthenticationResult, refreshToken: string | undefined): EntraTokens {
  const expiresOn = result.expiresOn ? result.expiresOn.getTime() : Date.now() + 3600_000;
  return { accessToken: result.accessToken, expiresOn, ...(refreshToken ? { refreshToken } : {}) };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The user from the ID token, with app roles and groups from the API access token when it has them. */
export function userOf(result: AuthenticationResult): GrantUser {
  const id = (result.idTokenClaims ?? {}) as Record<string, unknown>;
  let access: Record<string, unknown> = {};
  try {
    access = decodeJwt(result.accessToken);
  } catch {
    // Not a JWT (should not happen for the gateway's own API): roles and groups come from the ID token.
  }
  const oid = String(id.oid ?? access.oid ?? result.account?.localAccountId ?? '');
  const tid = String(id.tid ?? access.tid ?? result.tenantId ?? '');
  if (!oid || !tid) throw new Error("Entra returned tokens without the user's oid and tid claims.");
  const name = typeof id.name === 'string' ? id.name : result.account?.name;
  const username = typeof id.preferred_username === 'string' ? id.preferred_username : result.account?.username;
  return {
    oid,
    tid,
    ...(name ? { name } : {}),
    ...(username ? { username } : {}),
    roles: stringList(access.roles ?? id.roles),
    groups: stringList(access.groups ?? id.groups),
  };
}
