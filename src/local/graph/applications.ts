import type { AppRegistration } from '../entra/directory.js';
import { derivedGuid, servicePrincipalId } from '../entra/apps.js';
import type { GraphCaller } from './auth.js';
import type { GraphObject } from './directory.js';
import { AuthorizationRequestDeniedError, BadRequestError, GraphError } from './errors.js';

/** The app registrations Graph serves: the Entra emulator's directory, read live (tests change it). */
export interface ApplicationsDirectory {
  apps?: readonly AppRegistration[];
}

/** Application permissions (app roles on Graph) or delegated scopes that let a caller read app registrations. */
const READ_APPS = ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];

const APPS = /^\/v1\.0\/applications\/?$/i;
const APP_FICS = /^\/v1\.0\/applications\/([^/]+)\/federatedIdentityCredentials\/?$/i;
const SPS = /^\/v1\.0\/servicePrincipals\/?$/i;

/**
 * `/applications?$filter=appId eq '…'`, `/applications/{id}/federatedIdentityCredentials` and
 * `/servicePrincipals?$filter=appId eq '…'` (what `npm run doctor` reads), shaped as Graph answers them.
 * Undefined when the path is not one of these (the caller goes on to the user resources).
 */
export function readApplications(
  path: string,
  query: URLSearchParams,
  caller: GraphCaller,
  directory: ApplicationsDirectory,
  baseUrl: string,
): GraphObject | undefined {
  const fics = APP_FICS.exec(path);
  if (!APPS.test(path) && !SPS.test(path) && !fics) return undefined;
  const granted = [...caller.roles, ...caller.scopes];
  if (!granted.some((g) => READ_APPS.some((r) => r.toLowerCase() === g.toLowerCase()))) throw new AuthorizationRequestDeniedError();
  const apps = directory.apps ?? [];
  if (fics) {
    const app = apps.find((a) => objectId(a) === decodeURIComponent(fics[1]!));
    if (!app)
      throw new GraphError(
        404,
        'Request_ResourceNotFound',
        `Resource '${fics[1]}' does not exist or one of its queried reference-property objects are not present.`,
      );
    const value = (app.federatedCredentials ?? []).map((f, i) => ({ id: derivedGuid(`fic:${app.appId}:${i}`), name: `fic-${i}`, ...f }));
    return { '@odata.context': `${baseUrl}/v1.0/$metadata#applications('${objectId(app)}')/federatedIdentityCredentials`, value };
  }
  const appId = filterAppId(query);
  const matching = apps.filter((a) => !appId || a.appId.toLowerCase() === appId.toLowerCase());
  if (SPS.test(path)) {
    return {
      '@odata.context': `${baseUrl}/v1.0/$metadata#servicePrincipals`,
      value: matching.map((a) => ({ id: servicePrincipalId(a), appId: a.appId, displayName: a.displayName })),
    };
  }
  return { '@odata.context': `${baseUrl}/v1.0/$metadata#applications`, value: matching.map(toGraphApplication) };
}

function objectId(app: AppRegistration): string {
  return derivedGuid(`app:${app.appId}`);
}

function filterAppId(query: URLSearchParams): string | undefined {
  const filter = query.get('$filter');
  if (filter === null) return undefined;
  const match = /^\s*appId\s+eq\s+'([^']+)'\s*$/i.exec(filter);
  if (!match) throw new BadRequestError(`Invalid filter clause: ${filter}`);
  return match[1];
}

function toGraphApplication(app: AppRegistration): GraphObject {
  return {
    id: objectId(app),
    appId: app.appId,
    displayName: app.displayName,
    identifierUris: app.identifierUris ?? [],
    web: { redirectUris: app.web?.redirectUris ?? [] },
    spa: { redirectUris: app.spa?.redirectUris ?? [] },
    publicClient: { redirectUris: app.publicClient?.redirectUris ?? [] },
    api: {
      // Graph shows null for the default (v1), as Entra stores it.
      requestedAccessTokenVersion: app.requestedAccessTokenVersion ?? null,
      oauth2PermissionScopes: (app.exposedScopes ?? []).map((value) => ({
        id: derivedGuid(`scope:${app.appId}:${value}`),
        value,
        type: 'User',
        isEnabled: true,
      })),
    },
    appRoles: (app.appRoles ?? []).map((r) => ({
      id: derivedGuid(`role:${app.appId}:${r.value}`),
      value: r.value,
      allowedMemberTypes: r.allowedMemberTypes,
      isEnabled: true,
    })),
  };
}
