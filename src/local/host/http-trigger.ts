import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LoadedApp } from './app-loader.js';
import type { HttpMatch } from './http-functions.js';
import { invoke, type HostLog } from './invoke.js';
import type { RpcHttpCookie, RpcHttpData, RpcTypedData } from './functions-core.cjs';
import { readBody } from './request-body.js';
import { requestUrl } from './request-url.js';

export interface HttpTriggerContext {
  app: LoadedApp;
  log: HostLog;
}

/**
 * Kept-alive connections to the library's proxy, as the Functions host keeps them to its worker: a new
 * connection (and a DNS lookup of "localhost") per request would put a cost on every HTTP trigger that
 * Azure does not have. The agent unrefs idle sockets, so they never hold a process open.
 * Kept alive also matters for a function that answers before
 * reading the whole body (a 413): with `Connection: close` the proxy closed its socket on unread data,
 * the kernel reset the connection and the answer was lost (a 502). The proxy never closes an idle
 * connection (app-loader.ts); this agent does, after `PROXY_IDLE_MS`, so no request is ever written to
 * a socket the other side is closing.
 */
const PROXY_IDLE_MS = 30_000;
const proxyAgent = new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: PROXY_IDLE_MS });

/**
 * Runs an HTTP trigger. With `enableHttpStream`, does what the Functions host does: forwards the request
 * to the library's own HTTP proxy (tagged with `x-ms-invocation-id`) while sending the invocation, and
 * relays the proxy's response chunk by chunk. Otherwise the request and response travel inside the RPC
 * invocation, buffered.
 */
export async function serveHttpTrigger(ctx: HttpTriggerContext, match: HttpMatch, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (ctx.app.httpProxyUri) await serveStreamed(ctx, ctx.app.httpProxyUri, match, req, res, url);
  else await serveBuffered(ctx, match, req, res, url);
}

async function serveStreamed(ctx: HttpTriggerContext, proxyUri: string, match: HttpMatch, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const invocationId = randomUUID();
  const proxyReq = http.request(requestUrl(req, proxyUri), {
    method: req.method,
    agent: proxyAgent,
    headers: {
      ...pick(req.headers, ['content-length', 'transfer-encoding', 'content-type']),
      'x-ms-invocation-id': invocationId,
      'x-forwarded-host': url.host,
      'x-forwarded-proto': url.protocol.replace(':', ''),
    },
  });
  let relaying = false;
  proxyReq.on('response', (proxyRes) => {
    relaying = true;
    res.writeHead(proxyRes.statusCode ?? 500, relayedHeaders(proxyRes.headers));
    res.flushHeaders(); // an event stream's client should see the headers before the first event
    proxyRes.pipe(res);
    // The function may answer before it read the whole body (a 413): once its answer is delivered, the
    // rest of the client's body is read and dropped here, so the client's connection stays in step.
    res.on('finish', () => {
      if (req.readableEnded) return;
      req.unpipe(proxyReq);
      proxyReq.destroy();
      req.resume();
    });
  });
  proxyReq.on('error', () => abort(res));
  res.on('close', () => {
    if (!res.writableFinished) proxyReq.destroy();
  });
  req.pipe(proxyReq);

  const input = { invocationId, inputData: [{ name: match.target.triggerName, data: { http: {} } }], triggerMetadata: triggerMetadata(match, req, url) };
  try {
    const { result } = await invoke(ctx.app, match.target.fn, input, ctx.log);
    // No response object means the library never answers on the proxy: the host then sends 204 (an
    // inference: the host treats a null HTTP output as "no content").
    if ((result === undefined || result === null) && !relaying) endEarly(res, proxyReq, 204);
  } catch {
    if (!relaying) endEarly(res, proxyReq, 500);
    else abort(res);
  }
}

async function serveBuffered(ctx: HttpTriggerContext, match: HttpMatch, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const body = await readBody(req);
  const httpData: RpcHttpData = {
    method: req.method ?? 'GET',
    url: url.href,
    headers: frontEndHeaders(req),
    query: queryOf(url),
    params: match.params,
    body: body.length > 0 ? { bytes: body } : undefined,
  };
  const input = { inputData: [{ name: match.target.triggerName, data: { http: httpData } }], triggerMetadata: triggerMetadata(match, req, url) };
  let response: RpcHttpData | null | undefined;
  try {
    const outcome = await invoke(ctx.app, match.target.fn, input, ctx.log);
    response = outcome.response.returnValue?.http;
  } catch {
    res.writeHead(500).end();
    return;
  }
  if (!response) {
    res.writeHead(204).end();
    return;
  }
  writeRpcResponse(res, response);
}

/** What the host puts in trigger metadata for HTTP: route parameters, `Query`, `Headers` and `sys`. */
function triggerMetadata(match: HttpMatch, req: IncomingMessage, url: URL): Record<string, RpcTypedData> {
  const metadata: Record<string, RpcTypedData> = {};
  for (const [name, value] of Object.entries(match.params)) metadata[name] = { string: value };
  metadata.Query = { json: JSON.stringify(queryOf(url)) };
  metadata.Headers = { json: JSON.stringify(frontEndHeaders(req)) };
  metadata.sys = { json: JSON.stringify({ MethodName: match.target.name, UtcNow: new Date().toISOString(), RandGuid: randomUUID() }) };
  return metadata;
}

function writeRpcResponse(res: ServerResponse, response: RpcHttpData): void {
  const status = Number(response.statusCode ?? 200) || 200;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  const cookies = (response.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  const body = response.body?.bytes ?? (response.body?.string != null ? Buffer.from(response.body.string) : undefined);
  res.writeHead(status);
  res.end(body ? Buffer.from(body) : undefined);
}

function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const seconds = cookie.expires?.value?.seconds;
  if (seconds != null) parts.push(`Expires=${new Date(Number(seconds) * 1000).toUTCString()}`);
  if (cookie.maxAge?.value != null) parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  const sameSite = { lax: 'Lax', strict: 'Strict', explicitNone: 'None' }[cookie.sameSite as string];
  if (sameSite) parts.push(`SameSite=${sameSite}`);
  return parts.join('; ');
}

const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'x-ms-invocation-id']);

function relayedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name)) result[name] = value;
  }
  return result;
}

export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

/**
 * The request headers as the function sees them behind Azure's front end, which appends the address of
 * the connection it accepted to `X-Forwarded-For` (what the gateway's per-address rate limits read).
 */
function frontEndHeaders(req: IncomingMessage): Record<string, string> {
  const headers = flattenHeaders(req.headers);
  const peer = req.socket.remoteAddress;
  if (peer) headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
  return headers;
}

function queryOf(url: URL): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) result[key] = url.searchParams.getAll(key).join(',');
  return result;
}

function pick(headers: IncomingHttpHeaders, names: string[]): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) result[name] = value;
  }
  return result;
}

function endEarly(res: ServerResponse, proxyReq: http.ClientRequest, status: number): void {
  proxyReq.destroy();
  if (!res.headersSent) res.writeHead(status).end();
  else abort(res);
}

function abort(res: ServerResponse): void {
  if (res.writableEnded) return;
  if (!res.headersSent) res.writeHead(502).end();
  else res.destroy();
}
