import dc from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import type { LocalHost } from '../../../src/local/host/index.js';
import { startFixtureHost } from './helpers.js';

// The host keeps its connections to the library's HTTP proxy alive. If the proxy also closed idle ones
// (Node's default 5 s keep-alive timeout), a busy event loop could write the next request to a socket the
// proxy had just closed: ECONNRESET, and the client got a 502 (seen under the load benchmark). So only
// the host's agent closes idle connections; the proxy server has no keep-alive timeout.
describe('local host: connections to the library’s HTTP proxy', () => {
  let host: LocalHost;
  const servers = new Set<Server>();
  const onRequest = (message: unknown) => servers.add((message as { server: Server }).server);
  beforeAll(async () => {
    host = await startFixtureHost();
    dc.subscribe('http.server.request.start', onRequest);
  });
  afterAll(async () => {
    dc.unsubscribe('http.server.request.start', onRequest);
    await host.close();
  });

  test('the proxy never closes an idle kept-alive connection itself', async () => {
    const res = await fetch(`${host.url}/fx/items/1/a`);
    await res.arrayBuffer();
    const proxy = [...servers].filter((server) => (server.address() as { port: number }).port !== host.port);
    expect(proxy).toHaveLength(1);
    expect(proxy[0]?.keepAliveTimeout).toBe(0);
  });
});
