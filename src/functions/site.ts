import { app } from '@azure/functions';
import type { Deps } from '../deps.js';
import { renderLandingPage } from '../site/landing.js';
import { retryAfterHeader } from '../http/respond.js';
import { pageHeaders } from '../web/html.js';

/**
 * Anonymous probes and the landing page. `/health` is liveness: the process answers, nothing else is
 * checked, so a platform health check never recycles every instance during a Cosmos outage.
 * `/health/ready` is readiness: 200 when Cosmos DB answers, else 503 with Retry-After (cached 5 s).
 */
export function registerSiteFunctions({ config, readiness }: Deps): void {
  const landing = renderLandingPage(config);

  app.http('health', {
    route: 'health',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async () => ({ status: 200, jsonBody: { status: 'ok' }, headers: { 'Cache-Control': 'no-store' } }),
  });

  app.http('ready', {
    route: 'health/ready',
    methods: ['GET'],
    authLevel: 'anonymous',
    handler: async (_request, context) => {
      const report = await readiness();
      if (!report.ready) context.warn(`readiness: not ready (cosmos ${report.checks.cosmos})`);
      const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(report.ready ? {} : retryAfterHeader()) };
      const jsonBody = { status: report.ready ? 'ready' : 'not_ready', checks: report.checks, checkedAt: new Date(report.checkedAt).toISOString() };
      return { status: report.ready ? 200 : 503, jsonBody, headers };
    },
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
