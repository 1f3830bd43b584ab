/** A refused request (4xx): its status and OAuth error code (from the JSON body or the challenge), for the rejections metric. */
export function rejectionCode(result: unknown): { status: number; error: string } | undefined {
  const response = result as { status?: unknown; headers?: ConstructorParameters<typeof Headers>[0]; jsonBody?: unknown } | undefined;
  const status = response?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const bodyError = (response?.jsonBody as { error?: unknown } | undefined)?.error;
  const challenge = /\berror="([a-z_]{1,40})"/.exec(new Headers(response?.headers ?? {}).get('www-authenticate') ?? '')?.[1];
  // Only the OAuth error codes the gateway writes (a closed, lower-case vocabulary), never free text.
  const error = typeof bodyError === 'string' && /^[a-z_]{1,40}$/.test(bodyError) ? bodyError : (challenge ?? `http_${status}`);
  return { status, error };
}

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
