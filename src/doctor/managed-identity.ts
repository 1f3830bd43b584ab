import { decodeJwt } from 'jose';
import { fail, ok, reason, skip, type CheckResult, type DoctorContext } from './types.js';

const NAME = 'Managed identity endpoint';
const TOKEN_EXCHANGE_RESOURCE = 'api://AzureADTokenExchange';

/**
 * The App Service managed identity endpoint (IDENTITY_ENDPOINT, IDENTITY_HEADER) answers for
 * MANAGED_IDENTITY_CLIENT_ID with a token for api://AzureADTokenExchange: the assertion the federated
 * credential must match. Its claims (read, not verified: Entra verifies them) feed the FIC check.
 */
export async function checkManagedIdentity(ctx: DoctorContext): Promise<CheckResult> {
  const { config, env } = ctx;
  if (config.entra.credential !== 'managed_identity') return skip(NAME, `ENTRA_CREDENTIAL=${config.entra.credential}`);
  const clientId = config.entra.managedIdentityClientId;
  if (!clientId)
    return fail(NAME, 'MANAGED_IDENTITY_CLIENT_ID is not set.', 'set it to the clientId of the user-assigned identity attached to the Function App.');
  const endpoint = env.IDENTITY_ENDPOINT;
  const header = env.IDENTITY_HEADER;
  if (!endpoint || !header) {
    return skip(
      NAME,
      'IDENTITY_ENDPOINT/IDENTITY_HEADER are not set: the managed identity only exists inside the Function App (run doctor there, e.g. from the Kudu console, or locally with --local)',
    );
  }
  const url = new URL(endpoint);
  url.search = new URLSearchParams({ 'api-version': '2019-08-01', resource: TOKEN_EXCHANGE_RESOURCE, client_id: clientId }).toString();
  try {
    const res = await fetch(url, { headers: { 'x-identity-header': header }, signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { access_token?: string; message?: string };
    if (!res.ok || !body.access_token) {
      return fail(
        NAME,
        `answered ${res.status}: ${body.message ?? 'no token'}`,
        'attach the user-assigned identity to the Function App and set MANAGED_IDENTITY_CLIENT_ID to its clientId.',
      );
    }
    const claims = decodeJwt(body.access_token);
    const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    ctx.managedIdentityClaims = { iss: String(claims.iss), sub: String(claims.sub), aud: String(aud) };
    return ok(NAME, `token for ${TOKEN_EXCHANGE_RESOURCE} issued to ${clientId} (subject ${String(claims.sub)})`);
  } catch (err) {
    return fail(
      NAME,
      `${endpoint}: ${reason(err)}`,
      'the managed identity endpoint is unreachable; run doctor inside the Function App, or check IDENTITY_ENDPOINT.',
    );
  }
}
