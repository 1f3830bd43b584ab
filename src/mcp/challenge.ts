/**
 * The `WWW-Authenticate: Bearer …` challenge of the MCP endpoints (RFC 6750 §3, RFC 9728 §5.1). MCP
 * clients find the protected-resource metadata through `resource_metadata` and the scopes to ask for
 * through `scope`; `error` is present only when a token was sent (RFC 6750: a request without
 * credentials gets no error code).
 */
export interface BearerChallenge {
  resourceMetadataUrl: string;
  /** Space-separated scopes the client should request. */
  scope: string;
  error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request';
  /** Shown to people; must never contain a token. */
  errorDescription?: string;
}

/** The well-known PRM URL for the `/mcp` resource (RFC 9728 §3.1 path-aware form). */
export function resourceMetadataUrl(baseUrl: string): string {
  return `${baseUrl}/.well-known/oauth-protected-resource/mcp`;
}

/** RFC 7230 quoted-string: backslash-escape `"` and `\`, and drop characters a header cannot carry. */
function quoted(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, ' ');
  return `"${printable.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function formatBearerChallenge(challenge: BearerChallenge): string {
  const params: [string, string][] = [['resource_metadata', challenge.resourceMetadataUrl]];
  if (challenge.scope) params.push(['scope', challenge.scope]);
  if (challenge.error) params.push(['error', challenge.error]);
  if (challenge.error && challenge.errorDescription) params.push(['error_description', challenge.errorDescription]);
  return 'Bearer ' + params.map(([name, value]) => `${name}=${quoted(value)}`).join(', ');
}
