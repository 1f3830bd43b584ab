import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier, type TrustedIssuer } from './auth.js';
import { readApplications, type ApplicationsDirectory } from './applications.js';
import { buildDirectory, type DirectoryGroup, type DirectoryUser, type GraphDirectory } from './directory.js';
import { GraphError, ResourceNotFoundError, type RequestIds } from './errors.js';
import { FaultInjector, normalizePath, type FaultHandle, type FaultSpec } from './faults.js';
import { findResource, requireDelegatedScope } from './resources.js';

export type { TrustedIssuer, GraphCaller } from './auth.js';
export { GRAPH_AUDIENCES } from './auth.js';
export type { DirectoryUser, DirectoryGroup, GraphDirectory } from './directory.js';
export type { FaultSpec, FaultHandle } from './faults.js';

export interface GraphEmulatorOptions {
  /** Default 0: any free port (the local stack passes its default port). */
  port?: number;
  /** Default 127.0.0.1 (loopback only). */
  hostname?: string;
  /** The Entra whose Graph tokens are accepted: the Entra emulator's `{ url, tenantId }`, or issuer + JWKS. */
  entra: TrustedIssuer;
  /**
   * The users and groups: pass the Entra emulator's directory so both serve the same people. Default:
   * the local stack's (`LOCAL_USERS`), which is also the Entra emulator's default.
   */
  directory?: { users?: readonly DirectoryUser[]; groups?: readonly DirectoryGroup[] } & ApplicationsDirectory;
  /** The emulator's clock for token lifetimes (default: the real time). */
  now?: () => Date;
}

/** Request counts since start (or the last `resetCounters()`), mutated in place. */
export interface GraphCounters {
  requests: number;
  /** By normalized path, e.g. `/v1.0/me`. */
  byPath: Record<string, number>;
  /** By HTTP status answered. */
  byStatus: Record<string, number>;
  /** Authenticated requests by user oid. */
  byUser: Record<string, number>;
  /** Requests answered by an injected fault. */
  faults: number;
}

export interface GraphEmulator {
  /** Base URL for GRAPH_BASE_URL, e.g. http://127.0.0.1:7073 (no trailing slash). */
  url: string;
  port: number;
  counters: GraphCounters;
  /** Makes the next matching request(s) fail with Graph's error for the status. */
  failNext(spec: FaultSpec): FaultHandle;
  clearFaults(): void;
  resetCounters(): void;
  close(): Promise<void>;
}

/** Starts the Microsoft Graph emulator: `/v1.0/me`, `/v1.0/me/memberOf` and `POST /v1.0/me/checkMemberGroups` for Entra-emulator tokens. */
export async function startGraphEmulator(options: GraphEmulatorOptions): Promise<GraphEmulator> {
  const hostname = options.hostname ?? '127.0.0.1';
  const directory: GraphDirectory = buildDirectory(options.directory);
  const faults = new FaultInjector();
  const counters: GraphCounters = { requests: 0, byPath: {}, byStatus: {}, byUser: {}, faults: 0 };
  const entraUrl = 'url' in options.entra ? options.entra.url.replace(/\/+$/, '') : 'https://login.microsoftonline.com';
  const verify = createTokenVerifier(options.entra, `${entraUrl}/common/oauth2/authorize`, options.now ?? (() => new Date()));
  let baseUrl = '';

  async function handle(req: IncomingMessage, _ids: RequestIds): Promise<object> {
    const url = new URL(req.url ?? '/', baseUrl);
    const path = normalizePath(url.pathname);
    counters.requests += 1;
    counters.byPath[path] = (counters.byPath[path] ?? 0) + 1;

    const caller = await verify(req.headers.authorization);
    const applications = req.method === 'GET' ? readApplications(url.pathname, url.searchParams, caller, options.directory ?? {}, baseUrl) : undefined;
    if (applications) return applications;
    const resource = findResource(url.pathname);
    if (req.method !== (resource.method ?? 'GET')) {
      throw new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
    }
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const user = directory.users.find((u) => u.oid.toLowerCase() === caller.oid.toLowerCase());
    counters.byUser[caller.oid] = (counters.byUser[caller.oid] ?? 0) + 1;
    const fault = faults.take(path, { oid: caller.oid, username: user?.username });
    if (fault) {
      counters.faults += 1;
      throw fault;
    }
    requireDelegatedScope(caller, resource);
    if (!user) throw new ResourceNotFoundError(caller.oid);
    return resource.read({ path, query: url.searchParams, caller, user, directory, baseUrl, body });
  }

  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const sent = req.headers['client-request-id'];
    const clientRequestId = typeof sent === 'string' && /^[\w-]{1,128}$/.test(sent) ? sent : requestId;
    const ids = { requestId, clientRequestId };
    handle(req, ids).then(
      (body) => send(res, 200, body, {}, ids),
      (err: unknown) => {
        const error = err instanceof GraphError ? err : new GraphError(500, 'generalException', 'An unexpected error occurred.');
        send(res, error.status, error.toResponseObject(ids), error.headers, ids);
      },
    );
    res.on('finish', () => {
      counters.byStatus[res.statusCode] = (counters.byStatus[res.statusCode] ?? 0) + 1;
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;

  return {
    url: baseUrl,
    port,
    counters,
    failNext: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    resetCounters: () => {
      Object.assign(counters, { requests: 0, byPath: {}, byStatus: {}, byUser: {}, faults: 0 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A JSON request body (64 KiB at most); Graph answers a body it cannot parse with 400 BadRequest. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new GraphError(413, 'Request_EntityTooLarge', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload.');
  }
}

function send(res: ServerResponse, status: number, body: object, headers: Record<string, string>, ids: RequestIds) {
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
    'Cache-Control': 'no-cache',
    'OData-Version': '4.0',
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
  });
  res.end(JSON.stringify(body));
}
