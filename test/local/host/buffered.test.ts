import { fileURLToPath } from 'node:url';
import { startLocalHost, type LocalHost } from '../../../src/local/host/index.js';
import { fixtureHostJson } from './helpers.js';

// Its own test file, so jest gives it a fresh @azure/functions whose setup never enabled streaming.
const entry = fileURLToPath(new URL('../../fixtures/host-app/buffered.js', import.meta.url));

describe('local host: an app without enableHttpStream', () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost({ appEntry: entry, port: 0, hostJsonPath: fixtureHostJson, log: () => undefined });
  });
  afterAll(() => host.close());

  test('request and response travel inside the invocation, cookies included', async () => {
    const res = await fetch(`${host.url}/fx/buffered/ada?q=z`, { method: 'POST', body: 'payload' });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-mode')).toBe('buffered');
    expect(res.headers.get('set-cookie')).toBe('seen=ada; HttpOnly; SameSite=Lax');
    expect(await res.json()).toEqual({ name: 'ada', body: 'payload', q: 'z' });
  });
});
