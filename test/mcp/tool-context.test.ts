import { randomBytes } from 'node:crypto';
import { InvalidTokenError } from '../../src/oauth/errors.js';
import { createAccessTokenCodec } from '../../src/oauth/tokens/access-token.js';
import type { McpPrincipal } from '../../src/mcp/authenticate.js';
import { SESSION_HEADER, sealToolSession } from '../../src/mcp/session-header.js';
import { resolveToolUser, sessionHeaderFrom, ToolAuthError, type ToolContextDeps } from '../../src/mcp/tool-context.js';

const ring = [
  { kid: 'k2', key: new Uint8Array(randomBytes(32)) },
  { kid: 'k1', key: new Uint8Array(randomBytes(32)) },
];
const grantKey = new Uint8Array(randomBytes(32));
const grantPrincipal: McpPrincipal = {
  kind: 'grant',
  oid: 'oid-1',
  tid: 'tid-1',
  clientId: 'client-1',
  scopes: ['mcp:tools'],
  name: 'Adele',
  username: 'adele@contoso.test',
  roles: ['MCP.User'],
  groups: ['g1'],
  grantId: 'grant-1',
  grantKey,
};

/** The grant service's `entraAccessToken` contract: the token for the right key, InvalidTokenError once revoked. */
function grantsFake(state: { revoked: boolean; calls: number }): ToolContextDeps['grants'] {
  return {
    async entraAccessToken(grantId, key) {
      state.calls++;
      if (state.revoked || grantId !== 'grant-1' || Buffer.compare(key, grantKey) !== 0) throw new InvalidTokenError('revoked');
      return { accessToken: 'entra-access-token-secret', expiresOn: Date.now() + 3600_000 };
    },
  };
}

const toolArgument = (headers: Record<string, string>) => ({ name: 't', transport: { name: 'http-sse', properties: { headers } } });

describe('mcp tool context: the tool reads its caller from the gateway session header', () => {
  test('the header is found whatever the key casing, also in a JSON string argument', () => {
    for (const name of [SESSION_HEADER, 'X-Mcp-Gateway-Session', 'xMcpGatewaySession']) {
      expect(sessionHeaderFrom(toolArgument({ [name]: 'v' }))).toBe('v');
      expect(sessionHeaderFrom(JSON.stringify(toolArgument({ [name]: 'v' })))).toBe('v');
    }
    expect(sessionHeaderFrom(toolArgument({ [SESSION_HEADER]: 'a,b' }))).toBeUndefined();
    expect(sessionHeaderFrom(toolArgument({ [SESSION_HEADER]: 'a', xMcpGatewaySession: 'b' }))).toBeUndefined();
    expect(sessionHeaderFrom({})).toBeUndefined();
  });

  test('a grant session resolves the user and a current Entra token from the grant, even after a key rotation', async () => {
    const sealed = await sealToolSession(ring.slice(1), grantPrincipal, Date.now(), 3600);
    const state = { revoked: false, calls: 0 };
    const user = await resolveToolUser(toolArgument({ [SESSION_HEADER]: sealed }), { config: { tokens: { encryptionKeys: ring } }, grants: grantsFake(state) });
    expect(user).toMatchObject({
      oid: 'oid-1',
      tid: 'tid-1',
      clientId: 'client-1',
      username: 'adele@contoso.test',
      roles: ['MCP.User'],
      groups: ['g1'],
      scopes: ['mcp:tools'],
    });
    expect(await user.entraAccessToken()).toBe('entra-access-token-secret');
  });

  test('a revoked grant is refused at once, with a message that holds no token', async () => {
    const sealed = await sealToolSession(ring, grantPrincipal, Date.now(), 3600);
    const attempt = resolveToolUser(toolArgument({ [SESSION_HEADER]: sealed }), {
      config: { tokens: { encryptionKeys: ring } },
      grants: grantsFake({ revoked: true, calls: 0 }),
    });
    await expect(attempt).rejects.toBeInstanceOf(ToolAuthError);
    await expect(attempt).rejects.toThrow(/revoked/);
  });

  test('missing, forged, expired or wrong-kind headers are refused', async () => {
    const deps = { config: { tokens: { encryptionKeys: ring } }, grants: grantsFake({ revoked: false, calls: 0 }) };
    const otherRing = [{ kid: 'k2', key: new Uint8Array(randomBytes(32)) }];
    const forged = await sealToolSession(otherRing, grantPrincipal, Date.now(), 3600);
    const expired = await sealToolSession(ring, grantPrincipal, Date.now() - 7200_000, 3600);
    const codec = createAccessTokenCodec({ keyRing: ring, issuer: 'https://gw', audience: 'https://gw/mcp', ttlSeconds: 3600 });
    const { token: accessToken } = await codec.issue(
      { sub: 'oid-1', tid: 'tid-1', clientId: 'c', grantId: 'grant-1', scopes: ['mcp:tools'], grantKey },
      Date.now(),
    );
    for (const headers of [{} as Record<string, string>, { [SESSION_HEADER]: forged }, { [SESSION_HEADER]: expired }, { [SESSION_HEADER]: accessToken }]) {
      await expect(resolveToolUser(toolArgument(headers), deps)).rejects.toBeInstanceOf(ToolAuthError);
    }
  });

  test('a direct Entra session carries the token until its exp, and no longer', async () => {
    const now = { ms: Date.now() };
    const exp = Math.floor(now.ms / 1000) + 600;
    const body = Buffer.from(JSON.stringify({ oid: 'oid-2', tid: 'tid-2', name: 'N', preferred_username: 'n@x', roles: ['MCP.User'], exp })).toString(
      'base64url',
    );
    const entraToken = `eyJhbGciOiJSUzI1NiJ9.${body}.c2ln`;
    const principal: McpPrincipal = {
      kind: 'entra',
      oid: 'oid-2',
      tid: 'tid-2',
      clientId: 'azp',
      scopes: ['mcp:tools'],
      roles: ['MCP.User'],
      groups: [],
      entraToken,
      expiresAt: exp,
    };
    const sealed = await sealToolSession(ring, principal, now.ms, 30 * 86400);
    const deps = { config: { tokens: { encryptionKeys: ring } }, grants: grantsFake({ revoked: false, calls: 0 }), now: () => now.ms };
    const user = await resolveToolUser(toolArgument({ [SESSION_HEADER]: sealed }), deps);
    expect(user).toMatchObject({ oid: 'oid-2', tid: 'tid-2', username: 'n@x', roles: ['MCP.User'] });
    expect(await user.entraAccessToken()).toBe(entraToken);
    now.ms = (exp + 1) * 1000;
    await expect(user.entraAccessToken()).rejects.toBeInstanceOf(ToolAuthError);
    // The seal itself expires with the Entra token, whatever lifetime the caller asked for.
    await expect(resolveToolUser(toolArgument({ [SESSION_HEADER]: sealed }), deps)).rejects.toBeInstanceOf(ToolAuthError);
  });
});
