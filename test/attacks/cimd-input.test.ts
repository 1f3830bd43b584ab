// Attacks through the client_id URL of a client ID metadata document: forged log lines, cache-busting
// query strings, fetch amplification, cache eviction by failures, and probing the gateway's network.
import type { ResolveHost } from '../../src/net/safe-fetch.js';
import { createCimdResolver, type CimdOptions } from '../../src/oauth/cimd.js';
import { startLoopbackServer, type LoopbackServer } from '../net/loopback-server.js';

describe('attack: hostile client ID metadata document URLs', () => {
  let server: LoopbackServer;
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  beforeAll(async () => {
    server = await startLoopbackServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      if (!path.startsWith('/good')) return void res.writeHead(404).end();
      void gate.then(() => {
        const body = JSON.stringify({ client_id: `${server.origin}${req.url}`, client_name: 'Good', redirect_uris: ['http://127.0.0.1/cb'] });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      });
    });
  });
  afterAll(() => server.close());

  const options = (overrides: Partial<CimdOptions> = {}): CimdOptions => ({
    allowLoopback: true,
    redirectUriAllowlist: [],
    clientNameAllowlist: [],
    ...overrides,
  });
  const fetches = (path: string) => server.requests.filter((r) => r.path.startsWith(path)).length;

  test.each([
    ['a newline (log forging)', (o: string) => `${o}/good.json\n2026-01-01 authorize: FORGED admin approved`],
    ['a tab', (o: string) => `${o}/go\tod.json`],
    ['a space', (o: string) => `${o}/good.json `],
  ])('an id with %s is refused without a fetch, and the description does not echo it', async (_name, make) => {
    const before = server.requests.length;
    const err = (await createCimdResolver(options())
      .resolve(make(server.origin))
      .catch((e: unknown) => e)) as { errorCode: string; description: string };
    expect(err.errorCode).toBe('invalid_client');
    expect(err.description).not.toMatch(/FORGED|good/);
    expect(server.requests.length).toBe(before);
  });

  test('an id with a query string (a new cache key per request) is refused without a fetch', async () => {
    const before = server.requests.length;
    await expect(createCimdResolver(options()).resolve(`${server.origin}/good.json?v=1`)).rejects.toMatchObject({
      description: expect.stringMatching(/query/),
    });
    expect(server.requests.length).toBe(before);
  });

  test.each([
    ['an upper-case scheme', (o: string) => o.replace('http:', 'HTTP:')],
    ['a default port', () => 'https://client.example:443'],
    ['an IPv4 address in another notation', (o: string) => o.replace('127.0.0.1', '2130706433')],
  ])('an id with %s (not what new URL() gives) is refused', async (_name, origin) => {
    const before = server.requests.length;
    await expect(createCimdResolver(options()).resolve(`${origin(server.origin)}/good.json`)).rejects.toMatchObject({
      description: expect.stringMatching(/canonical/),
    });
    expect(server.requests.length).toBe(before);
  });

  test('30 concurrent resolves of one uncached URL fetch it once', async () => {
    gate = new Promise((resolve) => (release = resolve));
    const resolver = createCimdResolver(options());
    const all = Promise.all(Array.from({ length: 30 }, () => resolver.resolve(`${server.origin}/good-coalesced.json`)));
    release();
    const clients = await all;
    expect(new Set(clients.map((c) => c.clientId)).size).toBe(1);
    expect(fetches('/good-coalesced.json')).toBe(1);
  });

  test('a flood of failing URLs does not evict a good client from the cache', async () => {
    const resolver = createCimdResolver(options({ cacheEntries: 2 }));
    await resolver.resolve(`${server.origin}/good-kept.json`);
    for (let i = 0; i < 10; i++) await resolver.resolve(`${server.origin}/missing-${i}.json`).catch(() => undefined);
    await resolver.resolve(`${server.origin}/good-kept.json`);
    expect(fetches('/good-kept.json')).toBe(1);
  });

  test('an anonymous caller cannot tell "private address" from "does not resolve"; the log can', async () => {
    const logged: string[] = [];
    const resolveHost: ResolveHost = async (host) => {
      if (host === 'internal.example') return [{ address: '127.0.0.1', family: 4 }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    };
    const resolver = createCimdResolver(options({ allowLoopback: false, resolveHost, log: (m) => logged.push(m) }));
    const describe = async (id: string) => ((await resolver.resolve(id).catch((e: unknown) => e)) as { description: string }).description;
    const internal = await describe('https://internal.example/client.json');
    const missing = await describe('https://missing.example/client.json');
    expect(internal.replace('internal', 'X')).toBe(missing.replace('missing', 'X'));
    expect(internal).not.toMatch(/127\.0\.0\.1|private|resolve/);
    expect(logged.join('\n')).toMatch(/127\.0\.0\.1/);
  });
});
