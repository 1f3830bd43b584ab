import { isConfidential, verifyClientSecret, type RegisteredClient } from '../client.js';
import { InvalidClientError, InvalidRequestError } from '../errors.js';
import type { ClientLookup } from './authorize-request.js';

/** A failed client authentication; `basic` when the client tried HTTP Basic (RFC 6749 §5.2: answer with a challenge). */
export class ClientAuthenticationError extends InvalidClientError {
  constructor(
    description: string,
    readonly basic: boolean,
  ) {
    super(description);
  }
}

interface PresentedCredentials {
  clientId: string;
  secret?: string;
  basic: boolean;
}

/** application/x-www-form-urlencoded decoding of one value ("+" is a space). */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new ClientAuthenticationError('The Basic client credentials are not correctly encoded.', true);
  }
}

/**
 * `Authorization: Basic` credentials: base64 of `client_id:client_secret`, each form-urlencoded first
 * (RFC 6749 §2.3.1), so both are decoded after splitting at the first colon.
 */
function fromBasicHeader(header: string): PresentedCredentials {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new ClientAuthenticationError('The Authorization header is not valid HTTP Basic client credentials.', true);
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)), basic: true };
}

function presented(authorization: string | null, form: URLSearchParams): PresentedCredentials {
  const formId = form.get('client_id') ?? undefined;
  const formSecret = form.get('client_secret') ?? undefined;
  if (authorization && /^Basic /i.test(authorization)) {
    if (formSecret !== undefined) {
      throw new InvalidRequestError('Use one client authentication method: either HTTP Basic or client_secret in the body.');
    }
    const basic = fromBasicHeader(authorization);
    if (formId !== undefined && formId !== basic.clientId) {
      throw new InvalidRequestError('client_id in the body differs from the one in the Authorization header.');
    }
    return basic;
  }
  if (!formId) throw new ClientAuthenticationError('The request names no client (send client_id, or HTTP Basic credentials).', false);
  return { clientId: formId, ...(formSecret !== undefined ? { secret: formSecret } : {}), basic: false };
}

/**
 * Authenticates the client at the token and revocation endpoints. Confidential clients must present
 * their secret (`client_secret_basic` or `client_secret_post`); public clients (`none`) must not
 * present one, since a secret they hold is not a secret. Every failure is `invalid_client` (401).
 */
export async function authenticateClient(authorization: string | null, form: URLSearchParams, clients: ClientLookup): Promise<RegisteredClient> {
  const credentials = presented(authorization, form);
  let client: RegisteredClient | undefined;
  try {
    client = await clients.getClient(credentials.clientId);
  } catch (err) {
    if (err instanceof InvalidClientError) throw new ClientAuthenticationError(err.description, credentials.basic);
    throw err;
  }
  if (!client) throw new ClientAuthenticationError('Unknown client_id: this client is not registered here.', credentials.basic);
  if (isConfidential(client)) {
    if (credentials.secret === undefined) {
      throw new ClientAuthenticationError('This client must authenticate with its client secret.', credentials.basic);
    }
    if (!verifyClientSecret(client, credentials.secret)) {
      throw new ClientAuthenticationError('The client secret is wrong.', credentials.basic);
    }
  } else if (credentials.secret !== undefined) {
    throw new ClientAuthenticationError(
      'This client is registered as public (token_endpoint_auth_method "none") and must not send a client secret.',
      credentials.basic,
    );
  }
  return client;
}
