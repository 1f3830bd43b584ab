import { fail, ok, reason, type CheckResult, type DoctorContext } from './types.js';

/** GATEWAY_BASE_URL is reachable and serves its own metadata (issuer and protected resource). */
export async function checkGateway({ config }: DoctorContext): Promise<CheckResult> {
  const name = 'Gateway base URL';
  const url = `${config.baseUrl}/.well-known/oauth-authorization-server`;
  const prm = `${config.baseUrl}/.well-known/oauth-protected-resource/mcp`;
  try {
    const as = await getJson(url);
    if (as.issuer !== config.baseUrl) {
      return fail(
        name,
        `${url} names issuer "${String(as.issuer)}", not GATEWAY_BASE_URL (${config.baseUrl}).`,
        "set GATEWAY_BASE_URL to the public URL clients use (the Function App's https URL), exactly, without a trailing slash.",
      );
    }
    const resource = await getJson(prm);
    if (resource.resource !== config.mcpResource) {
      return fail(
        name,
        `${prm} names resource "${String(resource.resource)}", not ${config.mcpResource}.`,
        'GATEWAY_BASE_URL differs from the URL the running app was started with; set the same value for both and restart the app.',
      );
    }
    return ok(name, `${config.baseUrl} serves its authorization server and protected resource metadata`);
  } catch (err) {
    return fail(name, `${url}: ${reason(err)}`, 'check that the Function App is running and GATEWAY_BASE_URL is its public URL (locally: npm start).');
  }
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`answered ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}
