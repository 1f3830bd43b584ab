import { createConfidentialClient } from '../entra/msal-client.js';
import { explainMsalError } from '../entra/aadsts.js';
import { discoveryUrl, fetchAuthorityMetadata } from '../entra/authority.js';
import { GRAPH_APP_ID } from '../entra/graph.js';
import { fail, ok, type CheckResult, type DoctorContext } from './types.js';

/** The tenant's v2 OIDC discovery document, on ENTRA_AUTHORITY_HOST. */
export async function checkDiscovery({ config }: DoctorContext): Promise<CheckResult> {
  const name = 'Entra discovery document';
  try {
    const doc = await fetchAuthorityMetadata(config.entra.authorityHost, config.entra.tenantId);
    return ok(name, `${discoveryUrl(config.entra.authorityHost, config.entra.tenantId)} (issuer ${doc.issuer})`);
  } catch (err) {
    return fail(name, (err as Error).message, 'set ENTRA_TENANT_ID to the "Directory (tenant) ID" and ENTRA_AUTHORITY_HOST to your cloud\'s authority.');
  }
}

/**
 * The gateway's own credential works: a client-credentials token for Microsoft Graph. The token is kept
 * for the registration checks and never printed.
 */
export async function checkCredential(ctx: DoctorContext): Promise<CheckResult> {
  const { config } = ctx;
  const name = `Credential (ENTRA_CREDENTIAL=${config.entra.credential})`;
  try {
    const client = await createConfidentialClient(config);
    const result = await client.acquireTokenByClientCredential({ scopes: [`${GRAPH_APP_ID}/.default`], skipCache: true });
    if (!result?.accessToken) return fail(name, 'Entra returned no token.', "check the app registration's credentials.");
    ctx.graphToken = result.accessToken;
    return ok(name, `client-credentials token issued to ${config.entra.clientId}`);
  } catch (err) {
    const why = explainMsalError(err, `${config.baseUrl}/callback`);
    return fail(name, `Entra refused the gateway's credential${why.code ? ` (AADSTS${why.code})` : ''}.`, ficFix(why.code, ctx) ?? why.fix, why.code);
  }
}

/** For a federated credential that does not match, the exact values the managed identity presents. */
function ficFix(code: string | undefined, ctx: DoctorContext): string | undefined {
  const claims = ctx.managedIdentityClaims;
  const field = code === '700211' ? 'issuer' : code === '700212' ? 'audience' : code === '700213' ? 'subject' : undefined;
  if (!field) return undefined;
  const expected = claims ? ` Expected issuer ${claims.iss}, subject ${claims.sub}, audience api://AzureADTokenExchange.` : '';
  return `In the app registration, Certificates & secrets > Federated credentials: the ${field} does not match the managed identity's token.${expected}`;
}
