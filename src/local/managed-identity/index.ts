import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EntraEmulator } from '../entra/index.js';
import { EntraError } from '../entra/errors.js';

export interface ManagedIdentityEmulator {
  /** The value for IDENTITY_ENDPOINT. */
  endpoint: string;
  /** The value for IDENTITY_HEADER (a random secret, as App Service generates one per process). */
  header: string;
  /** Token requests served, for tests that check the assertion is cached. */
  readonly requests: number;
  close(): Promise<void>;
}

const API_VERSION = '2019-08-01';

/**
 * The App Service / Functions managed identity endpoint (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`), as
 * `@azure/identity`'s `ManagedIdentityCredential` calls it (through MSAL's AppService source):
 * `GET {endpoint}?api-version=2019-08-01&resource=…[&client_id=…|&principal_id=…|&object_id=…]` with the
 * `X-IDENTITY-HEADER` secret; the answer carries `expires_on` in epoch seconds, as a string.
 *
 * Note for tests: MSAL picks the managed identity source and endpoint once per process (static state), on
 * the first token request, so set IDENTITY_ENDPOINT / IDENTITY_HEADER before the first credential is used
 * and keep this emulator running for the rest of the process (or the jest test file).
 */
export async function startManagedIdentityEmulator(options: { entra: EntraEmulator; port?: number; hostname?: string }): Promise<ManagedIdentityEmulator> {
  const header = randomBytes(24).toString('base64url');
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    handle(options.entra, header, req, res).catch(() => send(res, 500, { statusCode: 500, message: 'The managed identity emulator failed.' }));
  });
  const hostname = options.hostname ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, hostname, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${hostname}:${port}/msi/token`,
    header,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(entra: EntraEmulator, secret: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' || url.pathname !== '/msi/token') return send(res, 404, { statusCode: 404, message: 'Not found.' });
  const presented = req.headers['x-identity-header'];
  if (typeof presented !== 'string' || !safeEqual(presented, secret)) {
    return send(res, 401, { statusCode: 401, message: 'Unauthorized: the X-IDENTITY-HEADER header is missing or wrong.' });
  }
  const q = url.searchParams;
  if (q.get('api-version') !== API_VERSION) return send(res, 400, { statusCode: 400, message: `Unsupported api-version; use ${API_VERSION}.` });
  const resource = q.get('resource');
  if (!resource) return send(res, 400, { statusCode: 400, message: 'The resource parameter is required.' });
  const clientId = q.get('client_id') ?? undefined;
  const principalId = q.get('principal_id') ?? q.get('object_id') ?? undefined;
  if (!clientId && !principalId) {
    return send(res, 400, { statusCode: 400, message: 'No system-assigned identity is enabled for this app; pass client_id of a user-assigned identity.' });
  }
  try {
    const issued = await entra.issueManagedIdentityToken({ clientId, principalId }, resource);
    send(res, 200, {
      access_token: issued.accessToken,
      expires_on: String(issued.expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: issued.clientId,
    });
  } catch (e) {
    if (!(e instanceof EntraError)) throw e;
    send(res, 400, { error: e.spec.error, error_description: e.message, statusCode: 400, message: e.message });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
