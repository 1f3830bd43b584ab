import { randomBytes } from 'node:crypto';
import type { McpPrincipal } from '../../src/mcp/authenticate.js';
import { sealClaims, SealedValueError } from '../../src/mcp/sealed.js';
import { openToolSession, sealToolSession, SESSION_TYP } from '../../src/mcp/session-header.js';

const ring = [{ kid: 'k1', key: new Uint8Array(randomBytes(32)) }];
const grantKey = new Uint8Array(randomBytes(32));
const NOW = Date.UTC(2026, 0, 1);
const nowSeconds = Math.floor(NOW / 1000);

const grantPrincipal: McpPrincipal = {
  kind: 'grant',
  oid: 'oid-1',
  tid: 'tid-1',
  clientId: 'client-1',
  scopes: ['mcp:tools', 'mcp:admin'],
  name: 'Adele',
  username: 'adele@contoso.test',
  roles: ['MCP.User', 'MCP.Admin'],
  groups: ['g1'],
  grantId: 'grant-1',
  grantKey,
};
const entraPrincipal: McpPrincipal = {
  kind: 'entra',
  oid: 'oid-2',
  tid: 'tid-2',
  clientId: 'azp-2',
  scopes: ['mcp:tools'],
  roles: ['MCP.User'],
  groups: [],
  entraToken: 'header.payload.signature',
  expiresAt: nowSeconds + 600,
};

/** A tool session as some other (older, newer or broken) gateway might have sealed it. */
const sealRaw = (claims: Record<string, unknown>, exp = nowSeconds + 600) => sealClaims(ring, SESSION_TYP, claims, exp);
const grantClaims = {
  k: 'grant',
  sub: 'oid-1',
  tid: 'tid-1',
  cid: 'client-1',
  scope: 'mcp:tools',
  sid: 'grant-1',
  gk: Buffer.from(grantKey).toString('base64url'),
  roles: [],
  groups: [],
};

describe('mcp session header: what the tool learns about its caller', () => {
  test('a grant session opens to the grant, its key and the user as the grant recorded them', async () => {
    const session = await openToolSession(ring, await sealToolSession(ring, grantPrincipal, NOW, 3600), NOW);
    expect(session).toEqual({
      kind: 'grant',
      oid: 'oid-1',
      tid: 'tid-1',
      clientId: 'client-1',
      scopes: ['mcp:tools', 'mcp:admin'],
      grantId: 'grant-1',
      grantKey,
      user: { name: 'Adele', username: 'adele@contoso.test', roles: ['MCP.User', 'MCP.Admin'], groups: ['g1'] },
    });
  });

  test('a grant session without a name or username opens without them', async () => {
    const { name: _name, username: _username, ...anonymous } = grantPrincipal;
    const session = await openToolSession(ring, await sealToolSession(ring, anonymous as McpPrincipal, NOW, 3600), NOW);
    expect(session.kind === 'grant' && session.user).toEqual({ name: undefined, username: undefined, roles: ['MCP.User', 'MCP.Admin'], groups: ['g1'] });
  });

  test('a grant session lives for the given lifetime, not longer', async () => {
    const sealed = await sealToolSession(ring, grantPrincipal, NOW, 3600);
    await expect(openToolSession(ring, sealed, NOW + 3590_000)).resolves.toMatchObject({ kind: 'grant' });
    await expect(openToolSession(ring, sealed, NOW + 3610_000)).rejects.toBeInstanceOf(SealedValueError);
  });

  test('a direct Entra session carries the token and expires with it', async () => {
    const sealed = await sealToolSession(ring, entraPrincipal, NOW, 3600);
    expect(await openToolSession(ring, sealed, NOW)).toEqual({
      kind: 'entra',
      oid: 'oid-2',
      tid: 'tid-2',
      clientId: 'azp-2',
      scopes: ['mcp:tools'],
      entraToken: 'header.payload.signature',
      expiresAt: nowSeconds + 600,
    });
    await expect(openToolSession(ring, sealed, NOW + 610_000)).rejects.toBeInstanceOf(SealedValueError);
  });

  test('empty scope entries are dropped; the user lists keep only strings', async () => {
    const session = await openToolSession(
      ring,
      await sealRaw({ ...grantClaims, scope: ' mcp:tools  mcp:admin ', roles: ['MCP.User', 7, null], groups: 'g1' }),
      NOW,
    );
    expect(session.scopes).toEqual(['mcp:tools', 'mcp:admin']);
    expect(session.kind === 'grant' && session.user).toEqual({ name: undefined, username: undefined, roles: ['MCP.User'], groups: [] });
  });

  test('a name or username that is not a string is left out', async () => {
    const session = await openToolSession(ring, await sealRaw({ ...grantClaims, name: 42, upn: ['a'] }), NOW);
    expect(session.kind === 'grant' && session.user).toMatchObject({ name: undefined, username: undefined });
  });
});

describe('mcp session header: what is refused', () => {
  test('an unknown or missing session kind is refused, not treated as an Entra session', async () => {
    for (const k of ['admin', 'Entra', undefined]) {
      const sealed = await sealRaw({ ...grantClaims, k, at: 'header.payload.signature' });
      await expect(openToolSession(ring, sealed, NOW)).rejects.toThrow('unknown kind');
    }
  });

  test('a grant key that is not 32 bytes is refused', async () => {
    for (const length of [0, 16, 31, 33]) {
      const sealed = await sealRaw({ ...grantClaims, gk: Buffer.alloc(length, 1).toString('base64url') });
      await expect(openToolSession(ring, sealed, NOW)).rejects.toThrow('malformed grant key');
    }
  });

  test.each(['sub', 'tid', 'cid', 'scope', 'sid', 'gk'])('a grant session without "%s" is refused, naming it', async (claim) => {
    const sealed = await sealRaw({ ...grantClaims, [claim]: 42 });
    await expect(openToolSession(ring, sealed, NOW)).rejects.toThrow(`lacks "${claim}"`);
  });

  test('an Entra session without its token is refused', async () => {
    const sealed = await sealRaw({ k: 'entra', sub: 'oid-2', tid: 'tid-2', cid: 'azp-2', scope: 'mcp:tools' });
    await expect(openToolSession(ring, sealed, NOW)).rejects.toThrow('lacks "at"');
  });

  test('a value sealed under another key, or for another purpose, is refused', async () => {
    const otherRing = [{ kid: 'k1', key: new Uint8Array(randomBytes(32)) }];
    await expect(openToolSession(ring, await sealToolSession(otherRing, grantPrincipal, NOW, 3600), NOW)).rejects.toBeInstanceOf(SealedValueError);
    await expect(openToolSession(ring, await sealClaims(ring, 'mcp-sse-endpoint+jwt', grantClaims, nowSeconds + 600), NOW)).rejects.toBeInstanceOf(
      SealedValueError,
    );
  });
});
