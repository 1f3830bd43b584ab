import { app } from '@azure/functions';
import type { Deps } from '../deps.js';
import { renderLandingPage } from '../site/landing.js';
import { pageHeaders } from '../web/html.js';

/** Anonymous liveness probe and landing page. */
export function registerSiteFunctions({ config }: Deps): void {
  const landing = renderLandingPage(config);

  app.http('health', {
    route: 'health',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async () => ({ status: 200, jsonBody: { status: 'ok' }, headers: { 'Cache-Control': 'no-store' } }),
  });

  app.http('landing', {
    route: '{ignored:maxlength(0)?}', // the site root; an empty route would become "landing"
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async () => ({
      status: 200,
      body: landing,
      // The pages' headers: the hashed stylesheet only, no framing, no referrer.
      headers: pageHeaders(),
    }),
  });
}
