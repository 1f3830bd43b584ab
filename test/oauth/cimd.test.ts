import type { ResolveHost } from '../../src/net/safe-fetch.js';
import { cacheSeconds, createCimdResolver, validateClientIdUrl, type CimdOptions } from '../../src/oauth/cimd.js';
import { InvalidClientError } from '../../src/oauth/errors.js';
import { startLoopbackServer, type LoopbackServer } from '../net/loopback-server.js';

/** Documents served by path; each is a function of the URL it is served at. */
const documents: Record<string, (url: string) => { body: string; type?: string; cacheControl?: string; status?: number }> = {
  '/good.json': (url) => ({
    body: JSON.stringify({ client_id: url, client_name: 'Loopback Client', redirect_uris: ['http://127.0.0.1/callback'] }),
    cacheControl: 'max-age=600',
  }),
  '/other-id.json': () => ({ body: JSON.stringify({ client_id: 'https://other.example/client.json', redirect_uris: ['http://127.0.0.1/cb'] }) }),
  '/huge.json': (url) => ({ body: JSON.stringify({ client_id: url, redirect_uris: ['http://127.0.0.1/cb'], client_name: 'x'.repeat(6000) }) }),
  '/html.json': (url) => ({ body: JSON.stringify({ client_id: url, redirect_uris: ['http://127.0.0.1/cb'] }), type: 'text/html' }),
  '/secret.json': (url) => ({ body: JSON.stringify({ client_id: url, redirect_uris: ['http://127.0.0.1/cb'], client_secret: 's' }) }),
  '/confidential.json': (url) => ({
    body: JSON.stringify({ client_id: url, redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'client_secret_basic' }),
  }),
  '/bad-redirect.json': (url) => ({ body: JSON.stringify({ client_id: url, redirect_uris: ['javascript:alert(1)'] }) }),
  '/no-redirects.json': (url) => ({ body: JSON.stringify({ client_id: url }) }),
  '/missing.json': () => ({ body: 'not here', status: 404, type: 'text/plain' }),
};

function expectRefusal(description: RegExp) {
  return expect.objectContaining({ errorCode: 'invalid_client', description: expect.stringMatching(description) });
}

describe('client ID metadata documents', () => {
  let server: LoopbackServer;
  let clock = 1_000_000;
  const options = (overrides: Partial<CimdOptions> = {}): CimdOptions => ({
    allowLoopback: true,
    redirectUriAllowlist: [],
    clientNameAllowlist: [],
    now: () => clock,
    ...overrides,
  });

  beforeAll(async () => {
    server = await startLoopbackServer((req, res) => {
      const make = documents[req.url ?? ''];
      if (!make) return void res.writeHead(404).end();
      const doc = make(`http://127.0.0.1:${server.port}${req.url}`);
      res.writeHead(doc.status ?? 200, { 'Content-Type': doc.type ?? 'application/json', ...(doc.cacheControl ? { 'Cache-Control': doc.cacheControl } : {}) });
      res.end(doc.body);
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const url = (path: string) => `${server.origin}${path}`;

  test('a document on loopback (dev setting on) is accepted as a public client', async () => {
    const client = await createCimdResolver(options()).resolve(url('/good.json'));
    expect(client).toMatchObject({
      clientId: url('/good.json'),
      source: 'cimd',
      metadata: {
        client_name: 'Loopback Client',
        redirect_uris: ['http://127.0.0.1/callback'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
      },
    });
    expect(client.secretHash).toBeUndefined();
  });

  test('a document whose client_id differs from its URL is refused', async () => {
    await expect(createCimdResolver(options()).resolve(url('/other-id.json'))).rejects.toEqual(expectRefusal(/client_id is not exactly its own URL/));
  });

  test('a document over the 5 KiB cap is refused', async () => {
    await expect(createCimdResolver(options()).resolve(url('/huge.json'))).rejects.toEqual(expectRefusal(/larger than 5120 bytes/));
  });

  test('a document that is not served as JSON is refused', async () => {
    await expect(createCimdResolver(options()).resolve(url('/html.json'))).rejects.toEqual(expectRefusal(/Content-Type must be application\/json/));
  });

  test('a document with a client secret, or a secret-based auth method, is refused', async () => {
    await expect(createCimdResolver(options()).resolve(url('/secret.json'))).rejects.toEqual(expectRefusal(/client_secret/));
    await expect(createCimdResolver(options()).resolve(url('/confidential.json'))).rejects.toEqual(
      expectRefusal(/"client_secret_basic" is not supported here; use one of: none/),
    );
  });

  test('redirect URIs in the document follow the registration rules', async () => {
    await expect(createCimdResolver(options()).resolve(url('/bad-redirect.json'))).rejects.toEqual(expectRefusal(/forbidden scheme "javascript:"/));
    await expect(createCimdResolver(options()).resolve(url('/no-redirects.json'))).rejects.toEqual(expectRefusal(/redirect_uris must be a non-empty array/));
  });

  test('the operator redirect URI allow-list applies to documents too', async () => {
    const resolver = createCimdResolver(options({ redirectUriAllowlist: ['https://only.example/cb'] }));
    await expect(resolver.resolve(url('/good.json'))).rejects.toEqual(expectRefusal(/not allowed by this server's policy/));
  });

  test('a non-200 answer is refused', async () => {
    await expect(createCimdResolver(options()).resolve(url('/missing.json'))).rejects.toEqual(expectRefusal(/HTTP 404/));
  });

  test('with the dev setting off, a name resolving to 127.0.0.1 is refused before connecting', async () => {
    const before = server.connections();
    const logged: string[] = [];
    const resolver = createCimdResolver(options({ allowLoopback: false, log: (m) => logged.push(m) }));
    await expect(resolver.resolve(`https://localhost:${server.port}/good.json`)).rejects.toEqual(expectRefusal(/could not be fetched/));
    expect(server.connections()).toBe(before);
    expect(logged.join('\n')).toMatch(/private, loopback or reserved address/);
  });

  test.each(['https://10.0.0.8/client.json', 'https://169.254.169.254/latest/meta-data/client.json'])(
    'the private literal %s is refused before any connection',
    async (clientId) => {
      const noDns: ResolveHost = async () => {
        throw new Error('no DNS expected');
      };
      const logged: string[] = [];
      const resolver = createCimdResolver(options({ allowLoopback: false, resolveHost: noDns, log: (m) => logged.push(m) }));
      await expect(resolver.resolve(clientId)).rejects.toEqual(expectRefusal(/could not be fetched/));
      expect(logged.join('\n')).toMatch(/private, loopback or reserved address/);
    },
  );

  test('a document is cached by its max-age, then fetched again', async () => {
    const resolver = createCimdResolver(options());
    const fetched = () => server.requests.filter((r) => r.path === '/cached.json').length;
    documents['/cached.json'] = documents['/good.json']!;
    await resolver.resolve(url('/cached.json'));
    await resolver.resolve(url('/cached.json'));
    expect(fetched()).toBe(1);
    clock += 601_000; // past max-age=600
    await resolver.resolve(url('/cached.json'));
    expect(fetched()).toBe(2);
  });

  test('a failure is remembered briefly, so a bad URL cannot make the gateway hammer a host', async () => {
    const resolver = createCimdResolver(options());
    const fetched = () => server.requests.filter((r) => r.path === '/missing.json').length;
    const before = fetched();
    await expect(resolver.resolve(url('/missing.json'))).rejects.toBeInstanceOf(InvalidClientError);
    await expect(resolver.resolve(url('/missing.json'))).rejects.toBeInstanceOf(InvalidClientError);
    expect(fetched()).toBe(before + 1);
  });
});

describe('client ID URL rules', () => {
  test.each([
    ['https://client.example', /has no path/],
    ['https://client.example/', /has no path/],
    ['https://client.example/c.json#x', /fragment/],
    ['https://user@client.example/c.json', /user information/],
    ['https://client.example/a/../c.json', /path segment/],
    ['http://client.example/c.json', /not an https URL/],
  ])('%s is refused', (clientId, problem) => {
    expect(() => validateClientIdUrl(clientId, false)).toThrow(
      expect.objectContaining({ errorCode: 'invalid_client', description: expect.stringMatching(problem) }),
    );
  });

  test('an https URL with a path is accepted', () => {
    expect(validateClientIdUrl('https://client.example/oauth/client.json', false).hostname).toBe('client.example');
  });
});

describe('metadata document cache lifetime', () => {
  test.each([
    ['max-age=600', 600],
    ['public, max-age=10', 60], // floor
    ['max-age=999999', 86400], // ceiling
    ['no-store', 60],
    [undefined, 300],
  ])('%s gives %i seconds', (header, seconds) => {
    expect(cacheSeconds(header)).toBe(seconds);
  });
});
