import { app } from '@azure/functions';
import type { Deps } from '../deps.js';
import { corsOAuthEndpoint, rateLimited } from '../http/endpoint.js';
import { handleRevoke } from '../oauth/revoke.js';
import { handleToken } from '../oauth/token.js';

/** The token endpoint and RFC 7009 revocation: form-encoded, CORS-enabled, never cached. */
export function registerTokenFunctions({ config, clients, grants, rateLimits }: Deps): void {
  app.http('token', {
    route: 'token',
    methods: ['POST', 'OPTIONS'],
    authLevel: 'anonymous',
    handler: corsOAuthEndpoint(rateLimited(rateLimits.token, rateLimits.trustedHops, (request) => handleToken(request, { config, clients, grants }))),
  });
  app.http('revoke', {
    route: 'revoke',
    methods: ['POST', 'OPTIONS'],
    authLevel: 'anonymous',
    handler: corsOAuthEndpoint((request) => handleRevoke(request, { clients, grants })),
  });
}
