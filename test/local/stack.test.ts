import { createServer, type Server } from 'node:net';
import { DEFAULT_PORTS } from '../../src/local/ports.js';
import { isPortFree } from '../../src/local/ports.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';

const portOf = (url: string) => Number(new URL(url).port);

/**
 * Holds the port for the test. Another stack in a parallel test may hold it for a while and free it at any
 * moment, so "someone else holds it" is not enough: wait (bounded) until this test holds it itself.
 */
async function holdPort(port: number): Promise<Server | undefined> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const server = createServer();
    const held = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (held) return server;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} stayed taken for 30 s`);
}

describe('local stack', () => {
  let stack: LocalStack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  test('every part answers, and close() stops them all and restores process.env', async () => {
    const before = process.env.GATEWAY_BASE_URL;
    const logs: string[] = [];
    stack = await startLocalStack({ gatewayPort: 0, log: (_level, message) => logs.push(message) });
    const { urls, env } = stack;
    expect(stack.host?.functions.map((f) => f.name)).toEqual(expect.arrayContaining(['health', 'landing']));

    const health = await fetch(urls.health);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(logs.join('\n')).toContain(`listening on 127.0.0.1:${portOf(urls.gateway)}`);
    expect(logs.join('\n')).not.toContain('http://127.0.0.1');
    expect(process.env.GATEWAY_BASE_URL).toBe(urls.gateway);

    const discovery = await fetch(urls.entraDiscovery);
    expect(discovery.status).toBe(200);
    const doc = (await discovery.json()) as { issuer: string; jwks_uri: string };
    expect(doc.issuer).toContain(env.ENTRA_TENANT_ID);
    expect((await fetch(doc.jwks_uri)).status).toBe(200);

    // The gateway's callback is registered in the Entra emulator (which, like Entra, ignores the port of a
    // localhost redirect URI); another path is AADSTS50011.
    const signInPage = (redirectUri: string) => {
      const authorize = new URL(`${urls.entra}/${env.ENTRA_TENANT_ID}/oauth2/v2.0/authorize`);
      authorize.search = new URLSearchParams({
        client_id: env.ENTRA_CLIENT_ID!,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: `${env.ENTRA_CLIENT_ID}/access_as_user openid`,
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      return fetch(authorize).then((res) => res.text());
    };
    expect(await signInPage(`${urls.gateway}/callback`)).toContain('name="password"');
    const mismatch = await signInPage(`${urls.gateway}/not-the-callback`);
    expect(mismatch).not.toContain('name="password"');
    expect(mismatch).toContain('50011');

    const graph = await fetch(`${urls.graph}/v1.0/me`);
    expect(graph.status).toBe(401);
    expect(((await graph.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');

    const identity = new URL(urls.managedIdentity);
    identity.search = new URLSearchParams({
      'api-version': '2019-08-01',
      resource: 'api://AzureADTokenExchange',
      client_id: env.MANAGED_IDENTITY_CLIENT_ID!,
    }).toString();
    const refused = await fetch(identity);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    const granted = await fetch(identity, { headers: { 'X-IDENTITY-HEADER': env.IDENTITY_HEADER! } });
    expect(granted.status).toBe(200);
    expect(typeof ((await granted.json()) as { access_token?: unknown }).access_token).toBe('string');

    const ports = [urls.gateway, urls.entra, urls.graph, urls.managedIdentity, urls.cosmos].map(portOf);
    await stack.close();
    stack = undefined;
    for (const port of ports) expect(await isPortFree(port)).toBe(true);
    await expect(fetch(urls.health)).rejects.toThrow();
    expect(process.env.GATEWAY_BASE_URL).toBe(before);
  });

  test('the gateway gets every setting it needs, with secrets fresh for each run', async () => {
    stack = await startLocalStack({ emulatorsOnly: true, gatewayPort: 7071 });
    const first = stack.env;
    expect(stack.host).toBeUndefined();
    expect(first).toMatchObject({
      GATEWAY_MODE: 'dev',
      GATEWAY_BASE_URL: 'http://localhost:7071',
      ENTRA_TENANT_ID: '00000000-0000-4000-8000-000000000001',
      ENTRA_CLIENT_ID: '11111111-1111-4111-8111-111111111111',
      ENTRA_CREDENTIAL: 'managed_identity',
      MANAGED_IDENTITY_CLIENT_ID: '22222222-2222-4222-8222-222222222222',
      ENTRA_AUTHORITY_HOST: stack.entra.authorityHost,
      IDENTITY_ENDPOINT: stack.managedIdentity.endpoint,
      GRAPH_BASE_URL: stack.graph.url,
      COSMOS_ENDPOINT: stack.cosmos.endpoint,
      CIMD_ALLOW_LOOPBACK: 'true',
      MCP_EXTENSION_URL: 'http://localhost:7071/runtime/webhooks/mcp',
    });
    expect(first.TOKEN_ENCRYPTION_KEYS).toMatch(/^k1:[A-Za-z0-9_-]{43}$/);
    await stack.close();

    stack = await startLocalStack({ emulatorsOnly: true, credential: 'secret' });
    const second = stack.env;
    expect(second.TOKEN_ENCRYPTION_KEYS).not.toBe(first.TOKEN_ENCRYPTION_KEYS);
    expect(second.COOKIE_SECRET).not.toBe(first.COOKIE_SECRET);
    expect(second.MCP_EXTENSION_KEY).not.toBe(first.MCP_EXTENSION_KEY);
    expect(second.ENTRA_CREDENTIAL).toBe('secret');
    expect(second.ENTRA_CLIENT_SECRET).toBeTruthy();
    expect(second.IDENTITY_ENDPOINT).toBeUndefined();
  });

  test('an emulator whose default port is taken moves to a free port', async () => {
    const held = await holdPort(DEFAULT_PORTS.graph);
    try {
      stack = await startLocalStack({ emulatorsOnly: true });
      expect(portOf(stack.urls.graph)).not.toBe(DEFAULT_PORTS.graph);
      expect((await fetch(`${stack.urls.graph}/v1.0/me`)).status).toBe(401);
    } finally {
      held?.close();
    }
  });

  test('a taken gateway port is a clear error naming the port', async () => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', () => resolve()));
    const port = (held.address() as { port: number }).port;
    try {
      await expect(startLocalStack({ gatewayPort: port })).rejects.toThrow(`Port ${port} is already in use`);
    } finally {
      held.close();
    }
  });
});
