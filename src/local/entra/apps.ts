import { createHash } from 'node:crypto';
import type { AppRegistration, Directory, DirectoryUser } from './directory.js';

export type Platform = 'web' | 'spa' | 'publicClient';

export function findApp(directory: Directory, appId: string | undefined): AppRegistration | undefined {
  if (!appId) return undefined;
  return directory.apps.find((a) => a.appId.toLowerCase() === appId.toLowerCase());
}

/** How the resource was named in a scope: by app id (`{appId}/x`) or by an identifier URI (`api://…/x`). */
export interface ResourceRef {
  app: AppRegistration;
  /** Exactly the prefix as requested, e.g. `api://…` or the GUID. */
  requestedAs: string;
  byGuid: boolean;
}

export function findResource(directory: Directory, identifier: string): ResourceRef | undefined {
  const byId = findApp(directory, identifier);
  if (byId) return { app: byId, requestedAs: identifier, byGuid: true };
  const lower = identifier.toLowerCase();
  const app = directory.apps.find((a) => (a.identifierUris ?? []).some((u) => u.toLowerCase() === lower));
  return app ? { app, requestedAs: identifier, byGuid: false } : undefined;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Entra matches redirect URIs exactly, with one exception (RFC 8252 §7.3): for http loopback URIs the
 * port is ignored, on every platform. The platform of the matching registration decides how the code
 * may later be redeemed (web: with credentials; spa: cross-origin with PKCE; publicClient: without).
 */
export function matchRedirectUri(app: AppRegistration, redirectUri: string): Platform | undefined {
  for (const platform of ['web', 'spa', 'publicClient'] as const) {
    for (const registered of app[platform]?.redirectUris ?? []) {
      if (registered === redirectUri || loopbackEquivalent(registered, redirectUri)) return platform;
    }
  }
  return undefined;
}

function loopbackEquivalent(registered: string, requested: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(registered);
    b = new URL(requested);
  } catch {
    return false;
  }
  if (a.protocol !== 'http:' || b.protocol !== 'http:' || !LOOPBACK_HOSTS.has(a.hostname)) return false;
  return a.hostname === b.hostname && a.pathname === b.pathname && a.search === b.search;
}

/** Scopes everyone may ask for: OpenID Connect's, consented implicitly. */
export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * Whether `client` may get delegated `scope` on `resource` without a consent prompt: its own scopes,
 * scopes the resource pre-authorized it for, and scopes granted (admin consent) to the client.
 */
export function hasDelegatedConsent(client: AppRegistration, resource: AppRegistration, scope: string): boolean {
  if (OIDC_SCOPES.has(scope)) return true;
  if (client.appId === resource.appId) return true;
  const pre = resource.preAuthorizedApplications?.find((p) => p.appId === client.appId);
  if (pre?.scopes.includes(scope)) return true;
  const granted = client.consentedPermissions?.find((p) => p.resourceAppId === resource.appId);
  return Boolean(granted?.scopes?.some((s) => s.toLowerCase() === scope.toLowerCase()));
}

export function consentedScopes(client: AppRegistration, resource: AppRegistration): string[] {
  if (client.appId === resource.appId) return [...(resource.exposedScopes ?? [])];
  const pre = resource.preAuthorizedApplications?.find((p) => p.appId === client.appId)?.scopes ?? [];
  const granted = client.consentedPermissions?.find((p) => p.resourceAppId === resource.appId)?.scopes ?? [];
  return [...new Set([...pre, ...granted])];
}

export function grantedAppRoles(client: AppRegistration, resource: AppRegistration): string[] {
  const granted = client.consentedPermissions?.find((p) => p.resourceAppId === resource.appId)?.roles ?? [];
  const defined = new Set((resource.appRoles ?? []).filter((r) => r.allowedMemberTypes.includes('Application')).map((r) => r.value));
  return granted.filter((r) => defined.has(r));
}

export function userRoles(user: DirectoryUser, resource: AppRegistration): string[] {
  const defined = new Set((resource.appRoles ?? []).filter((r) => r.allowedMemberTypes.includes('User')).map((r) => r.value));
  return (user.roles ?? []).filter((r) => defined.has(r));
}

/** A stable GUID derived from a seed, for object ids the directory does not spell out. */
export function derivedGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function servicePrincipalId(app: AppRegistration): string {
  return app.servicePrincipalId ?? derivedGuid(`sp:${app.appId}`);
}

/** Entra's `sub` is pairwise: the same user has a different `sub` in every app. */
export function pairwiseSubject(oid: string, appId: string): string {
  return createHash('sha256').update(`${oid}:${appId}`).digest('base64url').slice(0, 43);
}
