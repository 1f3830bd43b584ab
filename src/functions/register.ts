import { app } from '@azure/functions';
import type { Deps } from '../deps.js';
import { corsOAuthEndpoint } from '../http/endpoint.js';
import { createRegisterHandler } from '../oauth/register.js';

/** RFC 7591 dynamic client registration. */
export function registerRegistrationFunctions({ config, clients }: Deps): void {
  app.http('register', {
    route: 'register',
    methods: ['POST', 'OPTIONS'],
    authLevel: 'anonymous',
    handler: corsOAuthEndpoint(createRegisterHandler({ clients, registration: config.registration })),
  });
}
