/**
 * The redirect back to the MCP client (RFC 6749 §4.1.2 and §4.1.2.1): the response parameters added to
 * the registered redirect URI's own query, the client's `state` echoed exactly when it sent one, and
 * `iss` (RFC 9207) so a client talking to several servers can tell whose response this is.
 */
export function clientRedirectUrl(redirectUri: string, params: Record<string, string>, clientState: string | undefined, issuer: string): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (clientState !== undefined) url.searchParams.set('state', clientState);
  url.searchParams.set('iss', issuer);
  return url.toString();
}

/** A 302 to `location`, never cached. */
export function redirectResponse(location: string, headers: Record<string, string> = {}): { status: number; headers: Record<string, string> } {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', ...headers } };
}
