import type { TokenCredential } from '@azure/identity';
import { onceSucceeded } from '../lib/once.js';

/**
 * The app's managed identity as a `TokenCredential` that loads `@azure/identity` on its first token
 * request, not at start-up: the package is large, and only a deployment that authenticates with a
 * managed identity ever asks. Constructed on first use too, since `ManagedIdentityCredential` reads
 * IDENTITY_ENDPOINT and IDENTITY_HEADER from the environment when it is built. A failed import is not
 * cached: the next request tries again.
 */
export function lazyManagedIdentity(clientId?: string): TokenCredential {
  const credential = onceSucceeded(async (): Promise<TokenCredential> => {
    const { ManagedIdentityCredential } = await import('@azure/identity');
    return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
  });
  return { getToken: async (scopes, options) => (await credential()).getToken(scopes, options) };
}
