// The benchmarks' floor: a function app whose one HTTP function forwards MCP traffic to the extension
// and does nothing else (no token check, no step-up, no session header of its own; the bench hands it
// the one the gateway sealed). It takes every hop a gateway call takes — the Functions host's proxy to
// the library, an invocation, the forward to the extension and back — so the gateway's cost above it
// is the gateway's own work, and its cost above the direct path is what hosting a gateway as a
// function costs. Loaded by a second local host in the bench process; never deployed.
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { readBoundedBody } from '../src/mcp/body.js';
import { forwardToExtension } from '../src/mcp/forward.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../src/mcp/headers.js';

/** Where the floor forwards and the headers it adds (the extension's key, the sealed session): set by the bench. */
export const floorTarget = { extensionUrl: '', headers: {} as Record<string, string> };

// No `app.setup` here: `enableHttpStream` is the library's process-wide setting, already on (and
// locked) since the gateway app loaded first in the same process.
app.http('floor', {
  route: 'floor/{*path}',
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  handler: async (request: HttpRequest): Promise<HttpResponseInit> => {
    const url = new URL(request.url);
    // /floor/mcp → the extension's streamable endpoint; /floor/sse and /floor/message → its legacy ones.
    const path = url.pathname.slice('/floor/'.length);
    const target = `${floorTarget.extensionUrl}${path === 'mcp' ? '' : `/${path}`}${url.search}`;
    // Read as the gateway reads a POST (whole, once); the floor just does not look at it.
    const read = request.method === 'POST' ? await readBoundedBody(request.body, request.headers.get('content-length')) : null;
    const body = read?.kind === 'whole' ? read.bytes : (read?.stream ?? null);
    const upstream = await forwardToExtension({
      method: request.method,
      url: target,
      headers: upstreamRequestHeaders(request.headers, floorTarget.headers),
      body,
    });
    return { status: upstream.status, headers: clientResponseHeaders(upstream.headers), body: upstream.body };
  },
});
