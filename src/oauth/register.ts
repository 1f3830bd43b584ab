import type { Config } from '../config/index.js';
import { readJsonBody } from '../http/body.js';
import { jsonResponse, NO_STORE } from '../http/respond.js';
import type { HttpInput, HttpOutput } from '../http/types.js';
import type { ClientStore } from '../store/clients.js';
import { generateClientId, generateClientSecret, type RegisteredClient } from './client.js';
import { parseClientMetadata } from './client-metadata.js';
import { InvalidClientMetadataError, InvalidRequestError } from './errors.js';
import { audit } from '../observability/audit.js';

/**
 * POST /register: RFC 7591 dynamic client registration. Open (no initial access token), because MCP
 * clients register themselves on first contact; what limits it is the validation here, the optional
 * operator allow-lists, and the consent page every new client must pass.
 */

/** Registration metadata is a few hundred bytes; 16 KiB leaves room for long names and ten URIs. */
export const REGISTRATION_BODY_LIMIT = 16 * 1024;

export interface RegisterDeps {
  clients: ClientStore;
  registration: Pick<Config['registration'], 'redirectUriAllowlist' | 'clientNameAllowlist'>;
  now?: () => number;
}

/** The RFC 7591 §3.2.1 response: the registered metadata plus the credentials, shown this once. */
export function registrationResponse(client: RegisteredClient, secret?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    client_id: client.clientId,
    client_id_issued_at: client.issuedAt,
    ...client.metadata,
  };
  if (secret !== undefined) {
    body.client_secret = secret;
    body.client_secret_expires_at = 0; // does not expire
  }
  return body;
}

/** Validates the metadata, creates the client (and its secret, for confidential methods) and stores it. */
export async function registerClient(input: unknown, deps: RegisterDeps): Promise<{ client: RegisteredClient; secret?: string }> {
  const metadata = parseClientMetadata(input, {
    defaultAuthMethod: 'client_secret_basic', // RFC 7591 §2's default
    allowedAuthMethods: ['none', 'client_secret_post', 'client_secret_basic'],
    redirectUriAllowlist: deps.registration.redirectUriAllowlist,
    clientNameAllowlist: deps.registration.clientNameAllowlist,
  });
  const client: RegisteredClient = {
    clientId: generateClientId(),
    source: 'dcr',
    metadata,
    issuedAt: Math.floor((deps.now ?? Date.now)() / 1000),
  };
  let secret: string | undefined;
  if (metadata.token_endpoint_auth_method !== 'none') {
    const generated = generateClientSecret();
    secret = generated.secret;
    client.secretHash = generated.hash;
  }
  await deps.clients.registerClient(client);
  audit('client.registered', { clientId: client.clientId, clientName: metadata.client_name });
  return secret === undefined ? { client } : { client, secret };
}

/** The HTTP handler: JSON in, 201 with the registration (never cached: it may hold a secret). */
export function createRegisterHandler(deps: RegisterDeps): (request: HttpInput) => Promise<HttpOutput> {
  return async (request) => {
    let input: Record<string, unknown>;
    try {
      input = await readJsonBody(request, REGISTRATION_BODY_LIMIT);
    } catch (error) {
      // RFC 7591 §3.2.2 answers a malformed registration with invalid_client_metadata.
      if (error instanceof InvalidRequestError) throw new InvalidClientMetadataError(error.description);
      throw error;
    }
    const { client, secret } = await registerClient(input, deps);
    return jsonResponse(201, registrationResponse(client, secret), { ...NO_STORE });
  };
}
