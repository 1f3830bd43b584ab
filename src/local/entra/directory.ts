import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GRAPH_APP_ID, LOCAL_GATEWAY_APP, LOCAL_MANAGED_IDENTITY, LOCAL_PASSWORD, LOCAL_TENANT_ID, LOCAL_USERS } from '../defaults.js';

/** The audience (and app) of federated-credential assertions in the public cloud. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
export const TOKEN_EXCHANGE_APP_ID = 'fb60f99c-7a34-4190-8149-302f77469936';

/** Microsoft Graph's resource URI (what `https://graph.microsoft.com/User.Read` is resolved against). */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** A registered certificate: the X.509 PEM, as uploaded under "Certificates & secrets". */
export interface CertificateCredential {
  certificatePem: string;
}

export interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface AppRole {
  value: string;
  allowedMemberTypes: ('User' | 'Application')[];
}

/** An app registration, shaped after the Entra manifest (only the parts Entra's behaviour depends on). */
export interface AppRegistration {
  appId: string;
  displayName: string;
  /** Object id of the app's service principal (`oid`/`sub` of its app-only tokens). */
  servicePrincipalId?: string;
  web?: { redirectUris: string[] };
  spa?: { redirectUris: string[] };
  /** "Mobile and desktop applications" in the portal. */
  publicClient?: { redirectUris: string[] };
  /** Secret values (the emulator stores values, Entra stores hashes). */
  secrets?: string[];
  certificates?: CertificateCredential[];
  federatedCredentials?: FederatedCredential[];
  identifierUris?: string[];
  /** Delegated scopes under "Expose an API" (oauth2PermissionScopes values). */
  exposedScopes?: string[];
  appRoles?: AppRole[];
  /** `api.requestedAccessTokenVersion`: the version of access tokens issued *for* this app. Default 1, as Entra. */
  requestedAccessTokenVersion?: 1 | 2;
  preAuthorizedApplications?: { appId: string; scopes: string[] }[];
  /** Granted (admin-consented) permissions of this app as a client: delegated scopes and app roles. */
  consentedPermissions?: { resourceAppId: string; scopes?: string[]; roles?: string[] }[];
  /**
   * `groupMembershipClaims` of the manifest ("SecurityGroup", "All", …): only then do this app's access
   * tokens carry `groups` (or the overage claims above the directory's `groupsOverageLimit`).
   */
  groupMembershipClaims?: 'None' | 'SecurityGroup' | 'DirectoryRole' | 'ApplicationGroup' | 'All';
  /**
   * "Grant admin consent" done for this app's own permissions (its own API as a client of itself).
   * Default true; false: each user meets the consent step at their first sign-in.
   */
  adminConsented?: boolean;
  /** Enterprise application > Properties > "Assignment required?": unassigned users get AADSTS50105. */
  appRoleAssignmentRequired?: boolean;
  /** Users (oid or username) assigned to the app, besides everyone holding one of its app roles. */
  assignedUsers?: string[];
}

/**
 * A Conditional Access policy, reduced to what decides a token request: who, which resource, and the
 * grant control. `mfa` answers AADSTS50076 (AADSTS50079 for a user without a registered method) until
 * the session has done the second factor; `block` answers AADSTS53003.
 */
export interface ConditionalAccessPolicy {
  /** The policy id, named in the claims challenge (`capolids`). */
  id: string;
  displayName?: string;
  /** Users by oid or username; absent: all users. */
  users?: string[];
  /** Resource apps by app id or identifier URI; absent: all resources. */
  resources?: string[];
  grant: 'mfa' | 'block';
}

export interface DirectoryUser {
  oid: string;
  username: string;
  name: string;
  password?: string;
  /** App role values; emitted for every resource app that defines them. */
  roles?: readonly string[];
  groups?: readonly string[];
  /** Whether the user has an MFA method registered (default true); false: AADSTS50079 instead of 50076. */
  mfaRegistered?: boolean;
  /**
   * Graph's `signInSessionsValidFromDateTime` (epoch ms): sessions and refresh tokens from before it are
   * refused with AADSTS50173. Set by `revokeSignInSessions()`.
   */
  signInSessionsValidFrom?: number;
}

export interface ManagedIdentity {
  clientId: string;
  principalId: string;
}

export interface Directory {
  tenantId: string;
  tenantName: string;
  apps: AppRegistration[];
  users: DirectoryUser[];
  managedIdentities: ManagedIdentity[];
  conditionalAccess: ConditionalAccessPolicy[];
  /** Tenant setting "Users can consent to apps" (default true); off: the consent step says "Need admin approval". */
  userConsent: boolean;
  /** Above this many groups a token carries `_claim_names`/`_claim_sources` instead (Entra: 200 for JWTs). */
  groupsOverageLimit: number;
}

/** What callers pass: a path to a JSON file, or an object; both are merged over the defaults. */
export type DirectoryInput = string | Partial<Omit<Directory, 'tenantId'>>;

const GRAPH_APP: AppRegistration = {
  appId: GRAPH_APP_ID,
  displayName: 'Microsoft Graph',
  identifierUris: [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, 'https://graph.microsoft.us', 'https://canary.graph.microsoft.com'],
  exposedScopes: [
    'User.Read',
    'User.ReadBasic.All',
    'User.Read.All',
    'Mail.Read',
    'Calendars.Read',
    'Files.Read',
    'Group.Read.All',
    'email',
    'openid',
    'profile',
    'offline_access',
  ],
  appRoles: [
    { value: 'User.Read.All', allowedMemberTypes: ['Application'] },
    { value: 'Application.Read.All', allowedMemberTypes: ['Application'] },
  ],
  requestedAccessTokenVersion: 1,
};

const TOKEN_EXCHANGE_APP: AppRegistration = {
  appId: TOKEN_EXCHANGE_APP_ID,
  displayName: 'AzureADTokenExchange',
  identifierUris: [TOKEN_EXCHANGE_AUDIENCE],
  requestedAccessTokenVersion: 2,
};

/** The emulator tenant's v2 issuer, which is the issuer of the managed identity's assertions. */
export function gatewayApp(extraRedirectUris: string[], v2Issuer: string): AppRegistration {
  return {
    appId: LOCAL_GATEWAY_APP.clientId,
    displayName: LOCAL_GATEWAY_APP.displayName,
    web: { redirectUris: ['http://localhost:7071/callback', ...extraRedirectUris] },
    secrets: [LOCAL_GATEWAY_APP.clientSecret],
    federatedCredentials: [{ issuer: v2Issuer, subject: LOCAL_MANAGED_IDENTITY.principalId, audiences: [TOKEN_EXCHANGE_AUDIENCE] }],
    identifierUris: [LOCAL_GATEWAY_APP.identifierUri],
    exposedScopes: [LOCAL_GATEWAY_APP.apiScope],
    appRoles: [
      { value: 'MCP.User', allowedMemberTypes: ['User'] },
      { value: 'MCP.Admin', allowedMemberTypes: ['User'] },
    ],
    requestedAccessTokenVersion: 2,
    // Token configuration > "Add groups claim" (security groups), so GROUP_PERMISSIONS works locally.
    groupMembershipClaims: 'SecurityGroup',
    // Application.Read.All: `npm run doctor` reads the app's own registration through Graph.
    consentedPermissions: [{ resourceAppId: GRAPH_APP_ID, scopes: ['User.Read'], roles: ['Application.Read.All'] }],
  };
}

/**
 * Builds the directory: defaults (Graph, the token-exchange app, the gateway app, the design's users and
 * managed identity), then the input's apps/users/identities merged over them by id.
 */
export function buildDirectory(input: DirectoryInput | undefined, extraRedirectUris: string[], v2Issuer: string): Directory {
  const given: Partial<Directory> = typeof input === 'string' ? (JSON.parse(readFileSync(input, 'utf8')) as Partial<Directory>) : (input ?? {});
  const users: DirectoryUser[] = LOCAL_USERS.map((u) => ({ ...u, password: LOCAL_PASSWORD }));
  const directory: Directory = {
    tenantId: LOCAL_TENANT_ID,
    tenantName: given.tenantName ?? 'contoso.test',
    apps: mergeBy('appId', [GRAPH_APP, TOKEN_EXCHANGE_APP, gatewayApp(extraRedirectUris, v2Issuer)], given.apps),
    users: mergeBy('oid', users, given.users),
    managedIdentities: mergeBy('clientId', [{ ...LOCAL_MANAGED_IDENTITY }], given.managedIdentities),
    conditionalAccess: mergeBy('id', [], given.conditionalAccess),
    userConsent: given.userConsent ?? true,
    groupsOverageLimit: given.groupsOverageLimit ?? 200,
  };
  for (const app of directory.apps) validateApp(app);
  return directory;
}

function mergeBy<T, K extends keyof T>(key: K, defaults: T[], given: T[] | undefined): T[] {
  const out = [...defaults];
  for (const item of given ?? []) {
    const i = out.findIndex((d) => d[key] === item[key]);
    if (i >= 0) out[i] = { ...out[i], ...item };
    else out.push(item);
  }
  return out;
}

const isLoopbackHttp = (u: URL) => u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);

/**
 * Entra refuses these at registration time (portal and Graph): web and SPA redirect URIs must be https
 * or http loopback; custom schemes such as `cursor://` exist only under "Mobile and desktop applications".
 */
function validateApp(app: AppRegistration): void {
  for (const platform of ['web', 'spa'] as const) {
    for (const uri of app[platform]?.redirectUris ?? []) {
      const u = new URL(uri);
      if (u.protocol !== 'https:' && !isLoopbackHttp(u)) {
        throw new Error(
          `App ${app.appId}: the ${platform} redirect URI ${uri} must use https (or http://localhost); custom schemes belong under publicClient (mobile and desktop).`,
        );
      }
    }
  }
}

/** SHA-1 and SHA-256 thumbprints (base64url), as sent in `x5t` / `x5t#S256` of client assertions. */
export function certificateThumbprints(pem: string): { x5t: string; x5tS256: string; cert: X509Certificate } {
  const cert = new X509Certificate(pem);
  return {
    x5t: createHash('sha1').update(cert.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
    cert,
  };
}
