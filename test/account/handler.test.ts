// The account page's form handling: session, CSRF and ownership. The grant service here is a small
// in-memory stand-in (the browser suite runs the page against the real stack: sign-in, list, revoke).
import { handleAccount, type AccountDeps } from '../../src/account/handler.js';
import { accountSessionCookie } from '../../src/account/session.js';
import type { GrantInfo } from '../../src/oauth/grants.js';
import { createSignedValueCodec } from '../../src/web/signed.js';

const NOW = Date.UTC(2026, 0, 15, 9);
const BASE = 'https://gw.example';
const signed = createSignedValueCodec(new Uint8Array(32).fill(7), BASE);
const ADELE = { oid: 'oid-adele', tid: 'tid', username: 'adele@contoso.test', roles: [], groups: [] };
const grant = (id: string, oid: string, clientId: string): GrantInfo => ({
  id,
  user: { ...ADELE, oid },
  clientId,
  scopes: ['mcp:tools'],
  resource: `${BASE}/mcp`,
  createdAt: NOW - 60_000,
  lastUsedAt: NOW,
  expiresAt: NOW + 86_400_000,
});

function setup() {
  const grants = [grant('g1', 'oid-adele', 'client-a'), grant('g2', 'oid-adele', 'client-b'), grant('g3', 'oid-other', 'client-a')];
  const revoked: string[] = [];
  const deps = {
    config: { baseUrl: BASE, mcpResource: `${BASE}/mcp` },
    clients: { getClient: async () => undefined },
    grants: {
      userGrants: async (oid: string) => grants.filter((g) => g.user.oid === oid && !revoked.includes(g.id)),
      revokeGrant: async (id: string) => void revoked.push(id),
    },
    signed,
    now: () => NOW,
  } as unknown as AccountDeps;
  return { deps, revoked };
}

const log = { info: () => {}, warn: () => {} };
async function sessionCookie(): Promise<{ header: string; csrf: string }> {
  const cookie = await accountSessionCookie(signed, ADELE, NOW);
  const claims = await signed.verify('account', cookie.value, NOW);
  return { header: `${cookie.name}=${cookie.value}`, csrf: String(claims!.csrf) };
}
function post(form: Record<string, string>, cookie?: string) {
  const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' });
  if (cookie) headers.set('cookie', cookie);
  const body = new Blob([new URLSearchParams(form).toString()]).stream();
  return { method: 'POST', url: `${BASE}/account`, headers, body };
}

describe('account page: revoking', () => {
  test('revokes every grant of that client for this user only, then back to the page (303)', async () => {
    const { deps, revoked } = setup();
    const { header, csrf } = await sessionCookie();
    const response = await handleAccount(post({ action: 'revoke', client_id: 'client-a', csrf_token: csrf }, header), deps, log);
    expect(response.status).toBe(303);
    expect(response.headers.Location).toBe('/account?revoked=1');
    expect(revoked).toEqual(['g1']);
  });

  test('a wrong or missing CSRF token is refused (403) and revokes nothing', async () => {
    const { deps, revoked } = setup();
    const { header } = await sessionCookie();
    expect((await handleAccount(post({ action: 'revoke', client_id: 'client-a', csrf_token: 'forged' }, header), deps, log)).status).toBe(403);
    expect((await handleAccount(post({ action: 'revoke', client_id: 'client-a' }, header), deps, log)).status).toBe(403);
    expect(revoked).toEqual([]);
  });

  test('without the session cookie nothing happens; a forged cookie is no session', async () => {
    const { deps, revoked } = setup();
    const { csrf } = await sessionCookie();
    expect((await handleAccount(post({ action: 'revoke', client_id: 'client-a', csrf_token: csrf }), deps, log)).status).toBe(400);
    expect(
      (await handleAccount(post({ action: 'revoke', client_id: 'client-a', csrf_token: csrf }, '__Host-mcp-account=eyJhbGciOiJub25lIn0.e30.'), deps, log))
        .status,
    ).toBe(400);
    expect(revoked).toEqual([]);
  });

  test('sign out drops the cookie', async () => {
    const { deps } = setup();
    const { header, csrf } = await sessionCookie();
    const response = await handleAccount(post({ action: 'sign-out', csrf_token: csrf }, header), deps, log);
    expect(response.status).toBe(303);
    expect(response.cookies?.[0]).toMatchObject({ name: '__Host-mcp-account', value: '', maxAge: 0 });
  });

  test("with a session the page lists the user's clients, never another user's", async () => {
    const { deps } = setup();
    const { header } = await sessionCookie();
    const page = await handleAccount({ method: 'GET', url: `${BASE}/account`, headers: new Headers({ cookie: header }), body: null }, deps, log);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<code>client-a</code>');
    expect(page.body).toContain('<code>client-b</code>');
    expect(page.body?.match(/<li class="client">/g)).toHaveLength(2);
  });

  test('an Entra error back at /account is shown, not answered with another sign-in (no loop)', async () => {
    const { deps } = setup();
    const page = await handleAccount(
      { method: 'GET', url: `${BASE}/account?error=access_denied&error_description=No`, headers: new Headers(), body: null },
      deps,
      log,
    );
    expect(page.status).toBe(400);
    expect(page.headers.Location).toBeUndefined();
  });
});
