import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { BadGatewayError } from './errors.js';

/**
 * One forwarded request to the MCP extension, with `node:http` and a kept-alive pool: the gateway's
 * hottest path, where fetch's WHATWG `Request`/`Response`/`Headers` objects and the streams around
 * them cost more CPU than the rest of the gateway's work (bench/README.md, "Where the gateway's cost
 * goes"). The request body is the bytes the gateway already read (a POST, see `body.ts`) or a stream.
 * The reply body is the upstream response itself, read only as the client reads it; destroying it, or
 * a reader that stops iterating it (the SSE guard, when the session ends), ends the upstream request,
 * so an ended SSE session does not hold the extension's. Redirects are never followed: the extension
 * never sends one.
 */
export interface ForwardRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | Uint8Array | null;
}

export interface ForwardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

// Kept-alive connections, most recently used first (a warm socket); the agents honour the server's
// `Keep-Alive: timeout` hint, closing a socket before the server would.
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

const UNREACHABLE = 'The MCP server is not reachable right now; try again shortly.';

export function forwardToExtension(request: ForwardRequest): Promise<ForwardedResponse> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
  const headers = { ...request.headers };
  if (hasBody && request.body instanceof Uint8Array) headers['content-length'] = String(request.body.byteLength);
  return new Promise((resolve, reject) => {
    const upstream = client.request(url, { method: request.method, headers, agent: agents[url.protocol as keyof typeof agents] });
    upstream.on('error', () => reject(new BadGatewayError(UNREACHABLE)));
    upstream.on('response', (reply) => {
      if (isRedirect(reply)) {
        reply.destroy();
        reject(new BadGatewayError(UNREACHABLE));
        return;
      }
      resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: reply });
    });
    if (!hasBody) upstream.end();
    else if (request.body instanceof Uint8Array) upstream.end(request.body);
    // A failing client body ends the upstream request too (pipeline destroys both).
    else pipeline(Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>), upstream, () => undefined);
  });
}

function isRedirect(reply: IncomingMessage): boolean {
  const status = reply.statusCode ?? 0;
  return status >= 300 && status < 400 && status !== 304;
}
