import { GRAPH_APP_ID } from '../defaults.js';
import { consentedScopes, findApp, findResource, hasDelegatedConsent, OIDC_SCOPES, type ResourceRef } from './apps.js';
import { GRAPH_RESOURCE, type AppRegistration, type Directory } from './directory.js';
import { EntraError } from './errors.js';

/** The scopes of one resource in a request, as the client named them. */
export interface ResourceScopes {
  ref: ResourceRef;
  /** Scope names on the resource (`access_as_user`, `User.Read`, `.default`). */
  names: string[];
  /** True when the client used bare names (`User.Read`), which Entra resolves against Microsoft Graph. */
  bare: boolean;
}

export interface RequestedScopes {
  raw: string;
  oidc: string[];
  resources: ResourceScopes[];
}

/**
 * Parses a v2 `scope` parameter the way Entra does: OIDC scopes; `{resource}/{name}` where the resource is
 * an app id or an identifier URI; and bare names, which Entra takes as Microsoft Graph scopes (so a bare
 * `access_as_user` becomes "scope that doesn't exist on the resource 00000003-…", design row 5).
 */
export function parseScopes(directory: Directory, client: AppRegistration, raw: string | null, at: 'authorize' | 'token' = 'authorize'): RequestedScopes {
  try {
    return parse(directory, client, raw);
  } catch (e) {
    // The token endpoint reports an unknown scope as AADSTS70011 in its JSON body; authorize shows 650053.
    if (at === 'token' && e instanceof EntraError && e.kind === 'scopeDoesNotExist') throw new EntraError('invalidScope', { scope: raw ?? '' });
    throw e;
  }
}

function parse(directory: Directory, client: AppRegistration, raw: string | null): RequestedScopes {
  const tokens = (raw ?? '').split(/\s+/).filter(Boolean);
  if (tokens.length === 0) throw new EntraError('missingParameter', { parameter: 'scope' });
  const oidc: string[] = [];
  const byApp = new Map<string, ResourceScopes>();
  for (const token of tokens) {
    if (OIDC_SCOPES.has(token.toLowerCase())) {
      if (!oidc.includes(token.toLowerCase())) oidc.push(token.toLowerCase());
      continue;
    }
    const slash = token.lastIndexOf('/');
    const bare = slash < 0;
    const prefix = bare ? GRAPH_RESOURCE : token.slice(0, slash);
    const name = bare ? token : token.slice(slash + 1);
    const ref = findResource(directory, prefix);
    if (!ref) throw new EntraError('resourceNotFound', { resource: prefix, tenantName: directory.tenantName });
    const exposed = (ref.app.exposedScopes ?? []).find((s) => s.toLowerCase() === name.toLowerCase());
    if (name !== '.default' && !exposed) {
      throw new EntraError('scopeDoesNotExist', { appName: client.displayName, scope: name, resourceAppId: ref.app.appId });
    }
    const entry = byApp.get(ref.app.appId) ?? { ref, names: [], bare };
    entry.names.push(exposed ?? name);
    byApp.set(ref.app.appId, entry);
  }
  for (const entry of byApp.values()) {
    if (entry.names.includes('.default') && entry.names.length > 1) throw new EntraError('invalidScope', { scope: raw ?? '' });
  }
  return { raw: raw ?? '', oidc, resources: [...byApp.values()] };
}

/** A token is for one resource (design row 10); only OIDC scopes means a Graph token, as Entra issues. */
export function singleResource(directory: Directory, scopes: RequestedScopes): ResourceScopes {
  if (scopes.resources.length > 1) throw new EntraError('multipleResources', { scope: scopes.raw });
  const only = scopes.resources[0];
  if (only) return only;
  const graph = findApp(directory, GRAPH_APP_ID)!;
  return { ref: { app: graph, requestedAs: GRAPH_RESOURCE, byGuid: false }, names: [], bare: true };
}

/** Scopes a user consented to for the client on a resource (kept by the emulator's grant store). */
export type UserConsentLookup = (resourceAppId: string) => string[];

const noUserConsent: UserConsentLookup = () => [];

/** The requested scopes (per resource) that neither the tenant nor the user has consented to. */
export function missingConsent(
  client: AppRegistration,
  scopes: RequestedScopes,
  userConsent: UserConsentLookup = noUserConsent,
): { resource: ResourceScopes; names: string[] }[] {
  const out: { resource: ResourceScopes; names: string[] }[] = [];
  for (const r of scopes.resources) {
    const byUser = userConsent(r.ref.app.appId);
    if (client.adminConsented === false && client.appId === r.ref.app.appId) {
      // No tenant-wide consent for the app's own API: only the user's own consent counts.
      const names = r.names.filter((n) => !byUser.includes(n.toLowerCase()) && !(n === '.default' && byUser.length > 0));
      if (names.length > 0) out.push({ resource: r, names });
      continue;
    }
    const names = r.names.filter((n) =>
      n === '.default'
        ? !(client.appId === r.ref.app.appId || consentedScopes(client, r.ref.app).length > 0 || byUser.length > 0)
        : !hasDelegatedConsent(client, r.ref.app, n) && !byUser.includes(n.toLowerCase()),
    );
    if (names.length > 0) out.push({ resource: r, names });
  }
  return out;
}

/** Throws AADSTS65001 for the first scope neither the tenant nor the user consented to. */
export function requireConsent(client: AppRegistration, scopes: RequestedScopes, userConsent: UserConsentLookup = noUserConsent): void {
  if (missingConsent(client, scopes, userConsent).length > 0) throw new EntraError('consentRequired', { appId: client.appId, appName: client.displayName });
}

/** The delegated scopes the token carries (`scp`): `.default` expands to what was consented. */
export function grantedScopes(client: AppRegistration, r: ResourceScopes, userConsent: UserConsentLookup = noUserConsent): string[] {
  if (!r.names.includes('.default')) return r.names;
  const byUser = userConsent(r.ref.app.appId).map((n) => (r.ref.app.exposedScopes ?? []).find((e) => e.toLowerCase() === n) ?? n);
  return [...new Set([...consentedScopes(client, r.ref.app), ...byUser])];
}

/** The `scope` of the token response, in the form the client asked (bare names stay bare). */
export function responseScope(r: ResourceScopes, granted: string[], oidc: string[]): string {
  const names = granted.map((n) => (r.bare ? n : `${r.ref.requestedAs}/${n}`));
  return [...names, ...oidc.filter((s) => s !== 'offline_access')].join(' ');
}

/** The app asks for its own API by identifier URI: Entra only allows the GUID form on refresh (rows 4, 11). */
export function isSelfByUri(client: AppRegistration, r: ResourceScopes): boolean {
  return r.ref.app.appId === client.appId && !r.ref.byGuid;
}

/**
 * v2 endpoints take no `resource` (design row 3): Entra answers AADSTS9010010 unless it names, by one
 * of its identifier URIs, the app whose scopes are requested (the GUID does not count).
 */
export function checkResourceParameter(scopes: RequestedScopes, resource: string | null): void {
  if (resource === null) return;
  const only = scopes.resources.length === 1 ? scopes.resources[0]! : undefined;
  const trim = (v: string) => v.replace(/\/$/, '').toLowerCase();
  if (!only || !(only.ref.app.identifierUris ?? []).some((u) => trim(u) === trim(resource))) throw new EntraError('resourceNotSupported');
}
