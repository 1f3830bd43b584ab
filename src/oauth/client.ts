import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** How a client authenticates at the token endpoint (the methods the AS metadata advertises). */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

export const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
export const RESPONSE_TYPES = ['code'] as const;

/**
 * A client's metadata as registered, in RFC 7591 §2 names: it is a wire document (the registration
 * response and a client ID metadata document both have this shape), so it keeps the wire names.
 */
export interface ClientMetadata {
  redirect_uris: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: string[];
  response_types: string[];
  /** Space-separated scopes this client may ask for. */
  scope: string;
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  tos_uri?: string;
  policy_uri?: string;
  contacts?: string[];
  software_id?: string;
  software_version?: string;
  /** OpenID Connect DCR: which redirect URIs the client may use (see `client-metadata.ts`). */
  application_type?: 'web' | 'native';
}

export interface RegisteredClient {
  clientId: string;
  /**
   * `dcr`: registered at /register and stored in Cosmos. `cimd`: the client ID is an https URL and its
   * metadata is the document served there (never stored; re-fetched when the cached copy expires).
   */
  source: 'dcr' | 'cimd';
  metadata: ClientMetadata;
  /** SHA-256 (hex) of the client secret; only for `client_secret_post` / `client_secret_basic`. */
  secretHash?: string;
  /** When the client was registered (DCR) or its document fetched (CIMD), in seconds since the epoch. */
  issuedAt: number;
  /** DCR only: epoch ms after which the registration is gone (moved forward by each use). */
  expiresAt?: number;
}

/** 128 random bits: unguessable, so a client ID cannot be enumerated or predicted. */
export function generateClientId(): string {
  return randomBytes(16).toString('base64url');
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new 256-bit client secret and the hash to store; the secret itself is shown once and never stored. */
export function generateClientSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashClientSecret(secret) };
}

/**
 * Whether `presented` is the client's secret. Compares the SHA-256 hashes in constant time, so the
 * time taken says nothing about how much of the secret was right. False for clients without a secret.
 */
export function verifyClientSecret(client: RegisteredClient, presented: string): boolean {
  if (!client.secretHash) return false;
  const expected = Buffer.from(client.secretHash, 'hex');
  const actual = Buffer.from(hashClientSecret(presented), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Whether the client must authenticate at the token endpoint with its secret. */
export function isConfidential(client: RegisteredClient): boolean {
  return client.metadata.token_endpoint_auth_method !== 'none';
}
