import { safeFetch, SafeFetchError, type ResolveHost } from '../../src/net/safe-fetch.js';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.js';

async function failure(promise: Promise<unknown>): Promise<SafeFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SafeFetchError);
    return error as SafeFetchError;
  }
  throw new Error('expected the fetch to fail');
}

/** A resolver that must never be asked: IP literals are checked without DNS. */
const noDns: ResolveHost = async (host) => {
  throw new Error(`unexpected DNS lookup of ${host}`);
};

describe('safe fetch', () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    server = await startLoopbackServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: 'http://169.254.169.254/' }).end();
      } else if (req.url === '/big') {
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('x'.repeat(6000));
      } else if (req.url === '/big-chunked') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        for (let i = 0; i < 10; i++) res.write('x'.repeat(1000));
        res.end();
      } else if (req.url === '/hang') {
        // never answers
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=120' }).end('{"ok":true}');
      }
    });
  });
  afterAll(async () => {
    await server.close();
  });

  test('loopback is reachable with the dev setting', async () => {
    const response = await safeFetch(`${server.origin}/doc`, { maxBytes: 5120, allowLoopback: true });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('{"ok":true}');
    expect(response.headers['cache-control']).toBe('max-age=120');
  });

  test('the connection is pinned to the checked address; DNS is asked once', async () => {
    let lookups = 0;
    const resolve: ResolveHost = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const response = await safeFetch(`http://cimd.test:${server.port}/doc`, { maxBytes: 5120, allowLoopback: true, resolve });
    expect(response.status).toBe(200);
    expect(lookups).toBe(1);
    expect(server.requests.at(-1)).toEqual({ path: '/doc', host: `cimd.test:${server.port}` });
  });

  test('a name that resolves to loopback is refused without the dev setting, before connecting', async () => {
    const before = server.connections();
    const error = await failure(safeFetch(`https://localhost:${server.port}/doc`, { maxBytes: 5120 }));
    expect(error.reason).toBe('address');
    expect(server.connections()).toBe(before);
  });

  test('a loopback literal is refused without the dev setting, before connecting', async () => {
    const before = server.connections();
    const error = await failure(safeFetch(`https://127.0.0.1:${server.port}/doc`, { maxBytes: 5120, resolve: noDns }));
    expect(error.reason).toBe('address');
    expect(server.connections()).toBe(before);
  });

  test.each([
    'https://10.0.0.1/client.json',
    'https://169.254.169.254/latest/meta-data',
    'https://[fd00:ec2::254]/x',
    'https://[::ffff:192.168.0.1]/x',
    'https://100.64.0.1/x',
  ])('the literal %s is refused before any connection', async (url) => {
    const error = await failure(safeFetch(url, { maxBytes: 5120, allowLoopback: true, resolve: noDns }));
    expect(error.reason).toBe('address');
  });

  test('a name with one public and one private address is refused', async () => {
    const resolve: ResolveHost = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.1', family: 4 },
    ];
    const error = await failure(safeFetch('https://mixed.test/client.json', { maxBytes: 5120, resolve }));
    expect(error.reason).toBe('address');
    expect(error.message).toContain('10.0.0.1');
  });

  test('http is refused without the dev setting', async () => {
    expect((await failure(safeFetch('http://example.com/x', { maxBytes: 5120 }))).reason).toBe('url');
  });

  test('http to a non-loopback address is refused even with the dev setting', async () => {
    const resolve: ResolveHost = async () => [{ address: '93.184.216.34', family: 4 }];
    expect((await failure(safeFetch('http://public.test/x', { maxBytes: 5120, allowLoopback: true, resolve }))).reason).toBe('url');
  });

  test('redirects are not followed', async () => {
    const error = await failure(safeFetch(`${server.origin}/redirect`, { maxBytes: 5120, allowLoopback: true }));
    expect(error.reason).toBe('redirect');
    expect(server.requests.filter((r) => r.path === '/redirect')).toHaveLength(1);
  });

  test('a body over the cap is cut off, with or without Content-Length', async () => {
    expect((await failure(safeFetch(`${server.origin}/big`, { maxBytes: 5120, allowLoopback: true }))).reason).toBe('too_large');
    expect((await failure(safeFetch(`${server.origin}/big-chunked`, { maxBytes: 5120, allowLoopback: true }))).reason).toBe('too_large');
  });

  test('a server that never answers times out', async () => {
    const error = await failure(safeFetch(`${server.origin}/hang`, { maxBytes: 5120, allowLoopback: true, totalTimeoutMs: 300 }));
    expect(error.reason).toBe('timeout');
  });

  test('user information in the URL is refused', async () => {
    expect((await failure(safeFetch('https://user@example.com/x', { maxBytes: 5120 }))).reason).toBe('url');
  });
});
