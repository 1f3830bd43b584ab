/**
 * The tenant's OIDC discovery document, fetched from the configured authority host and nowhere else.
 * The same code runs in Azure (https://login.microsoftonline.com) and on the local stack (the Entra
 * emulator's http://localhost origin): only ENTRA_AUTHORITY_HOST differs.
 */
export interface AuthorityMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
  [key: string]: unknown;
}

export class AuthorityError extends Error {
  override readonly name = 'AuthorityError';
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export function discoveryUrl(authorityHost: string, tenantId: string): string {
  return `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/v2.0/.well-known/openid-configuration`;
}

/**
 * Fetches and checks the v2 discovery document. Every endpoint the gateway will call must be on the
 * authority host's own origin: a document that points elsewhere is refused, so a tampered or
 * misconfigured document cannot send the gateway's credentials to another host.
 */
export async function fetchAuthorityMetadata(authorityHost: string, tenantId: string, fetchFn: FetchLike = fetch): Promise<AuthorityMetadata> {
  const url = discoveryUrl(authorityHost, tenantId);
  let response: Response;
  try {
    response = await fetchFn(url, { redirect: 'error', signal: AbortSignal.timeout(10_000), headers: { accept: 'application/json' } });
  } catch (e) {
    throw new AuthorityError(`Could not reach the Entra authority at ${url}: ${(e as Error).message}. Check ENTRA_AUTHORITY_HOST and ENTRA_TENANT_ID.`);
  }
  if (!response.ok) {
    throw new AuthorityError(
      `The Entra authority answered ${response.status} for ${url}. Check ENTRA_TENANT_ID (the tenant may not exist in this cloud) and ENTRA_AUTHORITY_HOST.`,
    );
  }
  const doc = (await response.json()) as Partial<AuthorityMetadata>;
  const origin = new URL(authorityHost).origin;
  for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    const value = doc[field];
    if (typeof value !== 'string' || !sameOrigin(value, origin)) {
      throw new AuthorityError(`The discovery document at ${url} has ${field}=${String(value)}, which is not on ${origin}; refusing to use it.`);
    }
  }
  if (typeof doc.issuer !== 'string') throw new AuthorityError(`The discovery document at ${url} has no issuer.`);
  if (doc.end_session_endpoint !== undefined && !sameOrigin(doc.end_session_endpoint, origin)) delete doc.end_session_endpoint;
  return doc as AuthorityMetadata;
}

function sameOrigin(value: string, origin: string): boolean {
  try {
    return new URL(value).origin === origin;
  } catch {
    return false;
  }
}
