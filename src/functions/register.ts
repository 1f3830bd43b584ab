import { app } from '@azure/functions';
import type { Deps } from '../deps.js';
import { corsOAuthEndpoint, rateLimited } from '../http/endpoint.js';
import { createRegisterHandler } from '../oauth/register.js';

/** RFC 7591 dynamic client registration. */
export function registerRegistrationFunctions({ config, clients, rateLimits }: Deps): void {
  app.http('register', {
    route: 'register',
    methods: ['POST', 'OPTIONS'],
    authLevel: 'anonymous',
    handler: corsOAuthEndpoint(rateLimited(rateLimits.register, rateLimits.trustedHops, createRegisterHandler({ clients, registration: config.registration }))),
  });
}
