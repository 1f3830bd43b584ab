import { fail, ok, reason, skip, type CheckResult, type DoctorContext } from './types.js';

interface GraphApplication {
  id: string;
  appId: string;
  identifierUris?: string[];
  web?: { redirectUris?: string[] };
  api?: { requestedAccessTokenVersion?: number | null; oauth2PermissionScopes?: { value: string; isEnabled?: boolean }[] };
  appRoles?: { value: string; isEnabled?: boolean; allowedMemberTypes?: string[] }[];
}

interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences: string[];
}

const PREFIX = 'App registration';
const REQUIRED_ROLES = ['MCP.User', 'MCP.Admin'];

/**
 * The gateway's app registration as Graph shows it to the gateway's own credential (Application.Read.All):
 * redirect URI, token version, identifier URI and scope, app roles, federated credential, service principal.
 */
export async function checkRegistration(ctx: DoctorContext): Promise<CheckResult[]> {
  const { config, graphToken } = ctx;
  if (!graphToken) return [skip(PREFIX, 'needs a working credential (see the credential check above)')];
  const get = graphGet(config.graphBaseUrl, graphToken);
  let app: GraphApplication | undefined;
  try {
    app = (await get<{ value: GraphApplication[] }>(`/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${config.entra.clientId}'`)}`)).value[0];
  } catch (err) {
    return [
      fail(
        PREFIX,
        `Graph refused to read the registration: ${reason(err)}`,
        "grant the gateway app Microsoft Graph's Application.Read.All application permission and admin-consent it (or check the registration in the Entra admin center by hand).",
      ),
    ];
  }
  if (!app)
    return [
      fail(
        PREFIX,
        `no application with appId ${config.entra.clientId} in tenant ${config.entra.tenantId}.`,
        'set ENTRA_CLIENT_ID to the "Application (client) ID" of the gateway\'s registration.',
      ),
    ];

  const results = [checkRedirectUri(ctx, app), checkTokenVersion(app), checkScope(ctx, app), checkRoles(app)];
  results.push(await checkFederatedCredential(ctx, app, get));
  results.push(await checkServicePrincipal(ctx, get));
  return results;
}

function checkRedirectUri({ config }: DoctorContext, app: GraphApplication): CheckResult {
  const name = `${PREFIX}: redirect URI`;
  const wanted = `${config.baseUrl}/callback`;
  if (app.web?.redirectUris?.includes(wanted)) return ok(name, `${wanted} on the Web platform`);
  return fail(
    name,
    `${wanted} is not a Web redirect URI (found: ${(app.web?.redirectUris ?? []).join(', ') || 'none'}).`,
    `Authentication > Web: add ${wanted} exactly (az ad app update --id ${config.entra.clientId} --web-redirect-uris ${wanted} …).`,
  );
}

function checkTokenVersion(app: GraphApplication): CheckResult {
  const name = `${PREFIX}: access token version`;
  const version = app.api?.requestedAccessTokenVersion;
  if (version === 2) return ok(name, 'requestedAccessTokenVersion is 2');
  return fail(
    name,
    `requestedAccessTokenVersion is ${version ?? 'null (v1)'}; the gateway validates v2 tokens.`,
    'Manifest: set "requestedAccessTokenVersion": 2 under "api" (Graph: PATCH /applications/{id} {"api":{"requestedAccessTokenVersion":2}}).',
  );
}

function checkScope({ config }: DoctorContext, app: GraphApplication): CheckResult {
  const name = `${PREFIX}: exposed API`;
  if (config.entra.apiClientId !== config.entra.clientId) return skip(name, `the API is a separate app (ENTRA_API_CLIENT_ID=${config.entra.apiClientId})`);
  const scope = config.entra.apiScopeName;
  const scopes = app.api?.oauth2PermissionScopes ?? [];
  if (!(app.identifierUris ?? []).length)
    return fail(name, 'no identifier URI.', `Expose an API: set the Application ID URI (e.g. api://${config.entra.clientId}).`);
  if (!scopes.some((s) => s.value === scope && s.isEnabled !== false)) {
    return fail(
      name,
      `scope "${scope}" is not exposed (found: ${scopes.map((s) => s.value).join(', ') || 'none'}).`,
      `Expose an API > Add a scope: "${scope}" (admins and users), or set ENTRA_API_SCOPE to an exposed scope.`,
    );
  }
  return ok(name, `${app.identifierUris!.join(', ')} exposes ${scope}`);
}

function checkRoles(app: GraphApplication): CheckResult {
  const name = `${PREFIX}: app roles`;
  const missing = REQUIRED_ROLES.filter(
    (r) => !(app.appRoles ?? []).some((a) => a.value === r && a.isEnabled !== false && (a.allowedMemberTypes ?? []).includes('User')),
  );
  if (missing.length === 0) return ok(name, REQUIRED_ROLES.join(', '));
  return fail(
    name,
    `missing user app roles: ${missing.join(', ')}.`,
    `App roles > Create app role: ${missing.map((m) => `"${m}" (Users/Groups)`).join(', ')}.`,
  );
}

async function checkFederatedCredential(ctx: DoctorContext, app: GraphApplication, get: Get): Promise<CheckResult> {
  const name = `${PREFIX}: federated credential`;
  if (ctx.config.entra.credential !== 'managed_identity') return skip(name, `ENTRA_CREDENTIAL=${ctx.config.entra.credential}`);
  const want = ctx.managedIdentityClaims;
  if (!want) return skip(name, "needs the managed identity's token (see its check above)");
  try {
    const { value } = await get<{ value: FederatedCredential[] }>(`/v1.0/applications/${encodeURIComponent(app.id)}/federatedIdentityCredentials`);
    if (value.some((f) => f.issuer === want.iss && f.subject === want.sub && f.audiences.some((a) => sameAudience(a, want.aud)))) {
      return ok(name, `trusts the managed identity (subject ${want.sub})`);
    }
    return fail(
      name,
      `no federated credential matches the managed identity's token.`,
      `Certificates & secrets > Federated credentials: add one with issuer ${want.iss}, subject ${want.sub}, audience ${TOKEN_EXCHANGE_AUDIENCE}.`,
    );
  } catch (err) {
    return fail(name, `Graph: ${reason(err)}`, "grant the gateway app Microsoft Graph's Application.Read.All application permission and admin-consent it.");
  }
}

async function checkServicePrincipal({ config }: DoctorContext, get: Get): Promise<CheckResult> {
  const name = `${PREFIX}: service principal`;
  try {
    const { value } = await get<{ value: { id: string }[] }>(`/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${config.entra.clientId}'`)}`);
    if (value.length > 0) return ok(name, `present in tenant ${config.entra.tenantId}`);
    return fail(name, 'the app has no service principal in the tenant.', `az ad sp create --id ${config.entra.clientId}`);
  } catch (err) {
    return fail(name, `Graph: ${reason(err)}`, "grant the gateway app Microsoft Graph's Application.Read.All application permission and admin-consent it.");
  }
}

/** The audience a federated credential names, and the app id Entra puts in the assertion's `aud` for it. */
const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const TOKEN_EXCHANGE_APP_ID = 'fb60f99c-7a34-4190-8149-302f77469936';
const canonicalAudience = (a: string) => (a.toLowerCase() === TOKEN_EXCHANGE_APP_ID ? TOKEN_EXCHANGE_AUDIENCE.toLowerCase() : a.toLowerCase());
const sameAudience = (a: string, b: string) => canonicalAudience(a) === canonicalAudience(b);

type Get = <T>(path: string) => Promise<T>;

function graphGet(baseUrl: string, token: string): Get {
  return async <T>(path: string): Promise<T> => {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'error',
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new Error(`${res.status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}`.trim());
    }
    return (await res.json()) as T;
  };
}
