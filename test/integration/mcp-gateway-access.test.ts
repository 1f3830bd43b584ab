import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SignJWT, UnsecuredJWT, decodeJwt, exportSPKI, importJWK, type CryptoKey, type JWK } from 'jose';
import { LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../src/local/defaults.js';
import { entraAccessToken } from '../mcp/entra-tokens.js';
import { authorize, CALL_WHOAMI, MCP_POST_HEADERS, MemoryOAuthProvider, openSse, revoke, startGateway, type GatewayUnderTest } from './mcp-gateway-support.js';

let gateway: GatewayUnderTest;
beforeAll(async () => {
  gateway = await startGateway();
}, 60_000);
afterAll(async () => gateway?.close());

const adele = LOCAL_USERS[0];
const apiScope = `${LOCAL_GATEWAY_APP.clientId}/${LOCAL_GATEWAY_APP.apiScope}`;

/** A request with the path sent byte for byte (fetch and URL would normalise it first). */
function rawRequest(
  path: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  const { hostname, port } = new URL(gateway.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function postMcp(token: string | undefined): Promise<Response> {
  return fetch(`${gateway.baseUrl}/mcp`, {
    method: 'POST',
    headers: { ...MCP_POST_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: CALL_WHOAMI,
  });
}

describe('mcp gateway: who may reach the tools', () => {
  test('a browser opening the MCP URL: the same 401 and challenge, with a page that points to the landing page', async () => {
    const response = await fetch(`${gateway.baseUrl}/mcp`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('<a href="/">');
    // An MCP client's GET still gets JSON.
    const client = await fetch(`${gateway.baseUrl}/mcp`, { headers: { accept: 'application/json, text/event-stream' } });
    expect(client.headers.get('content-type')).toContain('application/json');
  });

  test('no token: 401 with the resource metadata and scope challenge, no error code', async () => {
    const response = await postMcp(undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${gateway.baseUrl}/.well-known/oauth-protected-resource/mcp", scope="mcp:tools mcp:admin"`,
    );
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  test.each([
    '//mcp',
    '/x/../mcp',
    '/%2e%2e/mcp',
    '/mcp%2fsse',
    '/MCP',
    '/Mcp/Sse',
    '/mcp/',
    '/mcp/sse/',
    '/mcp/message/../sse',
    '/mcp/message%2f..%2fsse',
    '/mcp/other',
    '/runtime/webhooks/mcp',
    '/runtime/webhooks/mcp/sse',
    '/RUNTIME/webhooks/MCP',
  ])('unauthenticated %s gets 401 or 404, never a tool result', async (path) => {
    for (const method of ['POST', 'GET']) {
      const response = await rawRequest(
        path,
        method,
        { ...MCP_POST_HEADERS, host: new URL(gateway.baseUrl).host },
        method === 'POST' ? CALL_WHOAMI : undefined,
      );
      expect([401, 404]).toContain(response.status);
      expect(response.text).not.toContain('"result"');
      expect(response.text).not.toContain('whoami');
    }
  });

  test('a direct Entra access token for the API is accepted and reaches the tool', async () => {
    const token = await entraAccessToken(gateway.stack.entra, apiScope);
    const client = new Client({ name: 'direct', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gateway.baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
    );
    try {
      const result = await client.callTool({ name: 'whoami_token', arguments: {} });
      const seen = JSON.parse((result.content as { text: string }[])[0]!.text) as { user: { oid: string }; token: { aud: string; oid: string } };
      expect(seen.user.oid).toBe(adele.oid);
      expect(seen.token).toMatchObject({ aud: LOCAL_GATEWAY_APP.clientId, oid: adele.oid });
    } finally {
      await client.close();
    }
  });

  test('a Graph token, alg none and HS256 signed with the public key are refused with invalid_token', async () => {
    const graph = await entraAccessToken(gateway.stack.entra, 'https://graph.microsoft.com/User.Read');
    const valid = decodeJwt(await entraAccessToken(gateway.stack.entra, apiScope));
    const jwks = (await (await fetch(`${gateway.stack.entra.url}/${gateway.stack.entra.tenantId}/discovery/v2.0/keys`)).json()) as { keys: JWK[] };
    const jwk = jwks.keys[0]!;
    const pem = await exportSPKI((await importJWK(jwk, 'RS256')) as CryptoKey);
    const hs256 = await new SignJWT(valid).setProtectedHeader({ alg: 'HS256', kid: jwk.kid }).sign(new TextEncoder().encode(pem));
    for (const token of [graph, new UnsecuredJWT(valid).encode(), hs256, 'not-a-token']) {
      const response = await postMcp(token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await response.text()).not.toContain('"result"');
    }
  });

  test('after POST /revoke, the next request on each transport gets 401, and the SSE stream is not usable', async () => {
    const provider = new MemoryOAuthProvider();
    const tokens = await authorize(provider, `${gateway.baseUrl}/mcp`);
    const clientId = provider.clientInformation()!.client_id;
    expect((await postMcp(tokens.access_token)).status).toBe(200);

    const sse = await openSse(`${gateway.baseUrl}/mcp/sse`, tokens.access_token);
    try {
      // The endpoint leads back through the gateway and carries no key.
      expect(sse.endpoint).toMatch(/^\/mcp\/message\?session=/);
      expect(sse.endpoint).not.toMatch(/code=|runtime\/webhooks|azmcpcs/);
      const messageUrl = new URL(sse.endpoint, gateway.baseUrl);
      const before = await fetch(messageUrl, {
        method: 'POST',
        headers: { ...MCP_POST_HEADERS, authorization: `Bearer ${tokens.access_token}` },
        body: CALL_WHOAMI,
      });
      expect(before.status).toBe(202);
      await before.body?.cancel();
      const reply = await sse.next();
      expect(reply).toContain(adele.oid);

      expect(await revoke(gateway.baseUrl, tokens.access_token, clientId)).toBe(200);

      expect((await postMcp(tokens.access_token)).status).toBe(401);
      const after = await fetch(messageUrl, {
        method: 'POST',
        headers: { ...MCP_POST_HEADERS, authorization: `Bearer ${tokens.access_token}` },
        body: CALL_WHOAMI,
      });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await sse.close();
    }
  });

  test('an SSE message endpoint is bound to the user who opened the stream', async () => {
    const owner = await authorize(new MemoryOAuthProvider(), `${gateway.baseUrl}/mcp`);
    const other = await authorize(new MemoryOAuthProvider(), `${gateway.baseUrl}/mcp`, 'admin@contoso.test');
    const sse = await openSse(`${gateway.baseUrl}/mcp/sse`, owner.access_token);
    try {
      const response = await fetch(new URL(sse.endpoint, gateway.baseUrl), {
        method: 'POST',
        headers: { ...MCP_POST_HEADERS, authorization: `Bearer ${other.access_token}` },
        body: CALL_WHOAMI,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    } finally {
      await sse.close();
    }
  });
});
