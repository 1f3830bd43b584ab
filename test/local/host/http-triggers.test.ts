import { randomUUID } from 'node:crypto';
import type { LocalHost } from '../../../src/local/host/index.js';
import { sseEvents, startFixtureHost } from './helpers.js';

describe('local host: HTTP triggers', () => {
  let host: LocalHost & { logs: string[] };
  beforeAll(async () => {
    host = await startFixtureHost();
  });
  afterAll(() => host.close());

  test('lists what the app registered', () => {
    expect(host.functions).toEqual(
      expect.arrayContaining([
        { name: 'echo', kind: 'http' },
        { name: 'echoContext', kind: 'mcpTool' },
      ]),
    );
    expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
  });

  test('route parameters, catch-all, query, body, headers and status reach the handler and back', async () => {
    const res = await fetch(`${host.url}/fx/ITEMS/42/a/b%20c?q=1&q=2`, { method: 'POST', body: 'hello', headers: { 'x-test': 'T' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(await res.json()).toEqual({
      method: 'POST',
      params: { id: '42', rest: 'a/b c' },
      query: { q: '2' }, // the handler's Object.fromEntries keeps the last of a repeated key
      header: 'T',
      body: 'hello',
    });
  });

  test('constraints: int, guid, alpha and maxlength decide which route matches', async () => {
    expect((await fetch(`${host.url}/fx/items/abc/x`)).status).toBe(404);
    const guid = randomUUID();
    expect(await (await fetch(`${host.url}/fx/things/${guid}`)).json()).toEqual({ guid });
    expect(await (await fetch(`${host.url}/fx/things/abcde`)).json()).toEqual({ name: 'abcde' });
    expect((await fetch(`${host.url}/fx/things/abcdef`)).status).toBe(404);
    expect((await fetch(`${host.url}/fx/things/ab1`)).status).toBe(404);
  });

  test('the site root route matches only the empty path under the prefix', async () => {
    const root = await fetch(`${host.url}/fx`);
    expect(root.status).toBe(200);
    expect(await root.text()).toBe('root page');
    expect((await fetch(`${host.url}/fx/nothing-here`)).status).toBe(404);
    expect((await fetch(`${host.url}/`)).status).toBe(404); // outside the route prefix
  });

  test('a method the route does not allow gets 404, as the host router answers', async () => {
    expect((await fetch(`${host.url}/fx/secret`, { method: 'DELETE' })).status).toBe(404);
  });

  test('without configured keys, function and admin levels are not checked (as Core Tools)', async () => {
    expect((await fetch(`${host.url}/fx/secret`)).status).toBe(200);
    expect((await fetch(`${host.url}/fx/admin-only`)).status).toBe(200);
  });

  test('a throwing handler gives 500 without its message', async () => {
    const res = await fetch(`${host.url}/fx/fails`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('internal detail');
    expect(host.logs.some((l) => l.includes("Executed 'Functions.fails' (Failed"))).toBe(true);
  });

  test('a streamed body arrives event by event, before the handler has finished', async () => {
    const id = randomUUID();
    const res = await fetch(`${host.url}/fx/events/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = sseEvents(res.body!);
    const first = await events.next();
    expect(first.value).toEqual({ event: 'first', data: '1' });
    // The handler only writes the second event and ends once released; if the host buffered the body,
    // the first event could not have arrived yet.
    const release = await fetch(`${host.url}/fx/events/${id}/release`, { method: 'POST' });
    expect(await release.json()).toEqual({ finishedBefore: false });
    const second = await events.next();
    expect(second.value).toEqual({ event: 'second', data: '2' });
    expect((await events.next()).done).toBe(true);
  });

  test('a second start for the same entry reuses the captured registrations', async () => {
    const again = await startFixtureHost();
    try {
      expect(again.port).not.toBe(host.port);
      expect(again.functions).toEqual(host.functions);
      expect((await fetch(`${again.url}/fx/items/7/z`)).status).toBe(201);
    } finally {
      await again.close();
    }
  });
});
