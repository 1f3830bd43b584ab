import { randomBytes } from 'node:crypto';
import type { McpPrincipal } from '../../src/mcp/authenticate.js';
import { SealedValueError } from '../../src/mcp/sealed.js';
import { createToolSessionSealer, openToolSession, SESSION_HEADER_REUSE_MS } from '../../src/mcp/session-header.js';

const ring = [{ kid: 'k1', key: new Uint8Array(randomBytes(32)) }];
const LIFETIME_S = 3600;
const T0 = Date.UTC(2026, 0, 1);

const grantPrincipal = (over: Partial<Extract<McpPrincipal, { kind: 'grant' }>> = {}): McpPrincipal => ({
  kind: 'grant',
  oid: 'aaaaaaaa-0000-4000-8000-000000000001',
  tid: '00000000-0000-4000-8000-000000000001',
  clientId: 'client-1',
  scopes: ['mcp:tools'],
  roles: ['MCP.User'],
  groups: [],
  grantId: 'grant-1',
  grantKey: new Uint8Array(32).fill(7),
  ...over,
});

describe('tool session header: sealed once per session, opened once per value', () => {
  test(`the same session reuses one sealed value for ${SESSION_HEADER_REUSE_MS / 1000} s, then seals a new one`, async () => {
    const seal = createToolSessionSealer(ring, LIFETIME_S);
    const first = await seal(grantPrincipal(), T0);
    expect(await seal(grantPrincipal(), T0 + SESSION_HEADER_REUSE_MS - 1)).toBe(first);
    expect(await seal(grantPrincipal(), T0 + SESSION_HEADER_REUSE_MS)).not.toBe(first);
  });

  test('another grant, scope set or role set gets its own value', async () => {
    const seal = createToolSessionSealer(ring, LIFETIME_S);
    const first = await seal(grantPrincipal(), T0);
    for (const other of [{ grantId: 'grant-2' }, { scopes: ['mcp:tools', 'mcp:admin'] }, { roles: ['MCP.User', 'MCP.Admin'] }]) {
      const sealed = await seal(grantPrincipal(other), T0);
      expect(sealed).not.toBe(first);
      expect(await openToolSession(ring, sealed, T0)).toMatchObject({ kind: 'grant', ...('grantId' in other ? other : {}) });
    }
  });

  test("a direct Entra token's value is not reused past the token's expiry", async () => {
    const seal = createToolSessionSealer(ring, LIFETIME_S);
    const expiresAt = Math.floor(T0 / 1000) + 10;
    const entra: McpPrincipal = { ...grantPrincipal(), kind: 'entra', entraToken: 'h.p.s', expiresAt } as McpPrincipal;
    const first = await seal(entra, T0);
    expect(await seal(entra, T0 + 9_000)).toBe(first);
    expect(await seal(entra, expiresAt * 1000)).not.toBe(first);
  });

  test('an opened (remembered) header is refused from its exp on', async () => {
    const seal = createToolSessionSealer(ring, LIFETIME_S);
    const sealed = await seal(grantPrincipal(), T0);
    expect((await openToolSession(ring, sealed, T0)).kind).toBe('grant');
    const exp = Math.floor(T0 / 1000) + LIFETIME_S;
    expect((await openToolSession(ring, sealed, exp * 1000 - 1)).kind).toBe('grant');
    await expect(openToolSession(ring, sealed, exp * 1000)).rejects.toBeInstanceOf(SealedValueError);
  });

  test('a header opened under one key ring is not accepted under another', async () => {
    const sealed = await createToolSessionSealer(ring, LIFETIME_S)(grantPrincipal(), T0);
    await openToolSession(ring, sealed, T0);
    const otherRing = [{ kid: 'k1', key: new Uint8Array(randomBytes(32)) }];
    await expect(openToolSession(otherRing, sealed, T0)).rejects.toBeInstanceOf(SealedValueError);
  });
});
