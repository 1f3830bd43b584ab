/**
 * The operator's line for a refused request (401, 403): the function, the status, the OAuth error and
 * its description from the `WWW-Authenticate` challenge (which the gateway wrote and which never holds
 * a token), and the correlation id the client can quote. Undefined for any other response.
 */
export function refusalLine(functionName: string, invocationId: string, result: unknown): string | undefined {
  const response = result as { status?: unknown; headers?: ConstructorParameters<typeof Headers>[0] } | undefined;
  if (response?.status !== 401 && response?.status !== 403) return undefined;
  const challenge = new Headers(response.headers ?? {}).get('www-authenticate') ?? '';
  // A quoted-string (RFC 9110 §5.6.4) may hold backslash-escaped characters.
  const param = (name: string) => new RegExp(`\\b${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(challenge)?.[1]?.replace(/\\(.)/g, '$1');
  const error = param('error') ?? (response.status === 401 ? 'no token' : 'forbidden');
  const description = param('error_description');
  return `${functionName}: refused ${response.status} ${error}${description ? `: ${description}` : ''} (correlation id ${invocationId})`;
}
