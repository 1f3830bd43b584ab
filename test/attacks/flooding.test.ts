// Attack: flooding the anonymous endpoints from one address (hundreds of registrations, authorization
// requests and token requests a minute), also with a forged X-Forwarded-For on every request.
import { jest } from '@jest/globals';
import { fakeDateOnly } from '../support/fake-date.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { authorizationUrl } from '../support/oauth-client.js';

describe('attack: flooding /register, /authorize, /account and /token from one address', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    fakeDateOnly();
    stack = await startLocalStack({ gatewayPort: 0, log: () => {} });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    jest.useRealTimers();
  });

  const register = (i: number) =>
    fetch(`${stack.urls.gateway}/register`, {
      method: 'POST',
      // A forged chain: the client can only add entries to the left of the one the front end appends.
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i % 250}, 198.51.100.${i % 250}` },
      body: JSON.stringify({ client_name: `Flood ${i}`, redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' }),
    });

  test('a burst of 200 registrations is cut off with 429 and Retry-After; a minute later registration works again', async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 200; i++) {
      const response = await register(i);
      statuses.push(response.status);
      if (response.status === 429) refused ??= response;
      else await response.body?.cancel();
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(170);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused!.json()).toMatchObject({ error: 'temporarily_unavailable' });

    jest.setSystemTime(Date.now() + 61_000);
    expect((await register(0)).status).toBe(201);
  });

  test('a burst of anonymous /authorize requests gets a 429 page (never a redirect) after the limit', async () => {
    const url = authorizationUrl(`${stack.urls.gateway}/authorize`, 'no-such-client', 'http://127.0.0.1/cb').url;
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 100; i++) {
      last = await fetch(url, { redirect: 'manual' });
      statuses.push(last.status);
      if (i < 99) await last.body?.cancel();
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    expect(last!.headers.get('location')).toBeNull();
    expect(last!.headers.get('content-type')).toContain('text/html');
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  test('a burst of anonymous /account visits (each would start a sign-in) shares the /authorize limit: a 429 page, never a redirect', async () => {
    jest.setSystemTime(Date.now() + 61_000); // a fresh window: the /authorize burst above used this one up
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 100; i++) {
      last = await fetch(`${stack.urls.gateway}/account`, { redirect: 'manual' });
      statuses.push(last.status);
      if (i < 99) await last.body?.cancel();
    }
    expect(statuses.filter((s) => s === 302)).toHaveLength(60);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    expect(last!.headers.get('location')).toBeNull();
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  test('a burst of token requests is cut off after the limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const response = await fetch(`${stack.urls.gateway}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'A'.repeat(43), client_id: 'nobody' }),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  });
});
