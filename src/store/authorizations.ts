import type { StoreContainer } from './lazy-container.js';
import { openUnderSecret, sealUnderSecret } from '../crypto/key-wrap.js';
import { InvalidRequestError } from '../oauth/errors.js';
import { hashSecret, isWellFormedSecret, newSecret, sameSecret } from '../oauth/tokens/opaque.js';
import { cosmosStatus, ttlSeconds, withoutSystemFields } from './grants.js';

/** The MCP client's authorization request, as validated and consented at /authorize. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  resource: string;
  /** The client's own `state`, echoed back on its redirect; absent when the client sent none. */
  state?: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256';
  /**
   * `account`: the user's own sign-in to /account, not an MCP client's authorization. /callback then
   * opens the account page's session instead of creating a grant (src/account/).
   */
  purpose?: 'account';
}

/** What the browser must carry from /authorize to /callback. */
export interface StartedAuthorization {
  /** The `state` to send to Entra: single use, 256 random bits. */
  state: string;
  /** Value for the flow-binding cookie: /callback must present it, so a state alone is useless. */
  browserBinding: string;
  expiresAt: number;
}

export interface PendingAuthorization {
  request: AuthorizationRequest;
  /** The gateway's PKCE verifier for Entra's code. Keep it out of logs. */
  entraCodeVerifier: string;
  createdAt: number;
  expiresAt: number;
}

/**
 * Pending authorizations: between the redirect to Entra and Entra's redirect to /callback.
 *
 * - `create` stores the request under the SHA-256 of a fresh `state`, with the SHA-256 of a fresh
 *   browser binding, for `PENDING_AUTHORIZATION_TTL_MS`. The Entra PKCE verifier is sealed under a key
 *   derived from `state`, so the store alone cannot read it.
 * - `consume(state, browserBinding)` returns the request exactly once. It throws
 *   `InvalidRequestError` when the state is unknown or already used, expired (the record is then
 *   deleted), or presented by another browser (the binding differs; the record is left for the right
 *   browser). Atomic: the record is deleted with `IfMatch`, so of two concurrent consumes one fails.
 */
export interface PendingAuthorizationStore {
  create(request: AuthorizationRequest, entraCodeVerifier: string, nowMs: number): Promise<StartedAuthorization>;
  consume(state: string, browserBinding: string, nowMs: number): Promise<PendingAuthorization>;
}

export const PENDING_AUTHORIZATION_TTL_MS = 10 * 60 * 1000;

interface PendingDocument {
  id: string;
  request: AuthorizationRequest;
  sealedVerifier: string;
  browserBindingHash: string;
  createdAt: number;
  expiresAt: number;
}

export function createCosmosPendingAuthorizationStore(container: StoreContainer): PendingAuthorizationStore {
  return {
    async create(request, entraCodeVerifier, nowMs) {
      const state = newSecret();
      const browserBinding = newSecret();
      const expiresAt = nowMs + PENDING_AUTHORIZATION_TTL_MS;
      const doc: PendingDocument = {
        id: hashSecret(state),
        request,
        sealedVerifier: await sealUnderSecret(new TextEncoder().encode(entraCodeVerifier), state, 'authorization-state'),
        browserBindingHash: hashSecret(browserBinding),
        createdAt: nowMs,
        expiresAt,
      };
      await container.items.create({ ...doc, ttl: ttlSeconds(expiresAt, nowMs) });
      return { state, browserBinding, expiresAt };
    },

    async consume(state, browserBinding, nowMs) {
      const unknown = new InvalidRequestError(
        'The sign-in response does not match a pending authorization (unknown or already used state). Start the sign-in again from the MCP client.',
      );
      if (!isWellFormedSecret(state)) throw unknown;
      const item = container.item(hashSecret(state), hashSecret(state));
      const { resource, etag } = await item.read<PendingDocument>();
      if (!resource || !etag) throw unknown;
      const doc = withoutSystemFields(resource);
      if (doc.expiresAt > nowMs && !sameSecret(hashSecret(String(browserBinding)), doc.browserBindingHash)) {
        throw new InvalidRequestError(
          'The sign-in was started in another browser or its cookie is missing. Start the sign-in again from the MCP client in this browser.',
        );
      }
      try {
        await item.delete({ accessCondition: { type: 'IfMatch', condition: etag } });
      } catch (err) {
        const status = cosmosStatus(err);
        if (status === 412 || status === 404) throw unknown;
        throw err;
      }
      if (doc.expiresAt <= nowMs) {
        throw new InvalidRequestError('The sign-in took longer than 10 minutes and has expired. Start it again from the MCP client.');
      }
      const verifier = await openUnderSecret(doc.sealedVerifier, state, 'authorization-state');
      return {
        request: doc.request,
        entraCodeVerifier: new TextDecoder().decode(verifier),
        createdAt: doc.createdAt,
        expiresAt: doc.expiresAt,
      };
    },
  };
}
