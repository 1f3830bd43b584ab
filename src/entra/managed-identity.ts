import type { TokenCredential } from '@azure/identity';

/**
 * The app's managed identity as a `TokenCredential` that loads `@azure/identity` on its first token
 * request, not at start-up: the package is large, and only a deployment that authenticates with a
 * managed identity ever asks. Constructed on first use too, since `ManagedIdentityCredential` reads
 * IDENTITY_ENDPOINT and IDENTITY_HEADER from the environment when it is built. A failed import is not
 * cached: the next request tries again.
 */
export function lazyManagedIdentity(clientId?: string): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(scopes, options) {
      credential ??= import('@azure/identity').then(
        ({ ManagedIdentityCredential }) => (clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential()),
        (error: unknown) => {
          credential = undefined;
          throw error;
        },
      );
      return (await credential).getToken(scopes, options);
    },
  };
}
