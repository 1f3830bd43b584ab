import { PassThrough } from 'node:stream';
import { randomBytes } from 'node:crypto';
import type { McpPrincipal } from '../../src/mcp/authenticate.js';
import { sealClaims } from '../../src/mcp/sealed.js';
import { ENDPOINT_TYP, rewriteEndpointData, sessionOwner, upstreamMessageQuery, type EndpointContext } from '../../src/mcp/sse-endpoint.js';
import { guardStream } from '../../src/mcp/stream-guard.js';

const ring = [{ kid: 'k1', key: new Uint8Array(randomBytes(32)) }];
const context: EndpointContext = {
  ring,
  upstreamSseUrl: 'http://localhost:7071/runtime/webhooks/mcp/sse',
  upstreamMessageUrl: 'http://localhost:7071/runtime/webhooks/mcp/message',
  owner: 'grant:g1',
  expiresAtSeconds: Math.floor(Date.now() / 1000) + 600,
};

describe('mcp sse endpoint: the message URL the client gets', () => {
  test('points at /mcp/message, without the key, and opens to the extension query for the same owner only', async () => {
    const rewritten = await rewriteEndpointData('message?azmcpcs=STATE&code=THE-KEY', context);
    expect(rewritten).toMatch(/^\/mcp\/message\?session=[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(rewritten).not.toContain('THE-KEY');
    expect(rewritten).not.toContain('STATE');
    const sealed = new URL(rewritten, 'http://x').searchParams.get('session');
    expect(await upstreamMessageQuery(ring, sealed, 'grant:g1', Date.now())).toBe('azmcpcs=STATE');
    expect(await upstreamMessageQuery(ring, sealed, 'grant:g2', Date.now())).toBeUndefined();
    expect(await upstreamMessageQuery(ring, sealed, 'grant:g1', (context.expiresAtSeconds + 60) * 1000)).toBeUndefined();
    expect(await upstreamMessageQuery(ring, `${sealed}x`, 'grant:g1', Date.now())).toBeUndefined();
    expect(await upstreamMessageQuery(ring, null, 'grant:g1', Date.now())).toBeUndefined();
  });

  test('an endpoint anywhere but the extension message URL is refused', async () => {
    for (const data of ['http://evil.example/message?x=1', '../other?x=1', '/runtime/webhooks/mcp/sse?x=1']) {
      await expect(rewriteEndpointData(data, context)).rejects.toThrow('unexpected message endpoint');
    }
  });

  test('the right path on another origin is refused (scheme, host or port)', async () => {
    for (const origin of ['http://evil.example', 'https://localhost:7071', 'http://localhost:7072', 'http://127.0.0.1:7071']) {
      const data = `${origin}/runtime/webhooks/mcp/message?azmcpcs=STATE`;
      await expect(rewriteEndpointData(data, context)).rejects.toThrow('unexpected message endpoint');
    }
  });

  test('the message URL is recognised absolute, root-relative or in another letter case (the host routes without case)', async () => {
    for (const data of [
      'http://localhost:7071/runtime/webhooks/mcp/message?azmcpcs=STATE',
      '/runtime/webhooks/mcp/message?azmcpcs=STATE',
      '/Runtime/Webhooks/MCP/Message?azmcpcs=STATE',
      'message?azmcpcs=STATE\r\n',
    ]) {
      const sealed = new URL(await rewriteEndpointData(data, context), 'http://x').searchParams.get('session');
      expect({ data, query: await upstreamMessageQuery(ring, sealed, 'grant:g1', Date.now()) }).toEqual({ data, query: 'azmcpcs=STATE' });
    }
  });

  test('the function key is dropped in any letter case; every other parameter is kept in order', async () => {
    const rewritten = await rewriteEndpointData('message?b=2&CODE=K1&azmcpcs=S&Code=K2&a=1', context);
    const sealed = new URL(rewritten, 'http://x').searchParams.get('session');
    expect(await upstreamMessageQuery(ring, sealed, 'grant:g1', Date.now())).toBe('b=2&azmcpcs=S&a=1');
  });

  test('a sealed endpoint whose extension query is not text is refused', async () => {
    for (const q of [42, ['a=1'], null]) {
      const sealed = await sealClaims(ring, ENDPOINT_TYP, { own: 'grant:g1', q }, context.expiresAtSeconds);
      expect(await upstreamMessageQuery(ring, sealed, 'grant:g1', Date.now())).toBeUndefined();
    }
  });

  test('a value the gateway sealed for another purpose is not a session, even with the right owner and query', async () => {
    for (const typ of ['mcp-tool-session+jwt', 'at+jwt']) {
      const sealed = await sealClaims(ring, typ, { own: 'grant:g1', q: 'azmcpcs=STATE' }, context.expiresAtSeconds);
      expect(await upstreamMessageQuery(ring, sealed, 'grant:g1', Date.now())).toBeUndefined();
    }
  });
});

describe('mcp sse endpoint: whose session it is', () => {
  const base = { clientId: 'client-1', scopes: ['mcp:tools'], roles: ['MCP.User'], groups: [] };
  const grant = (grantId: string, oid = 'oid-1', tid = 'tid-1'): McpPrincipal => ({ ...base, kind: 'grant', oid, tid, grantId, grantKey: new Uint8Array(32) });
  const entra = (oid: string, tid = 'tid-1', entraToken = 'entra-token-1'): McpPrincipal => ({ ...base, kind: 'entra', oid, tid, entraToken, expiresAt: 0 });

  test('each grant is its own owner, even for one user', () => {
    expect(sessionOwner(grant('g1'))).toBe(sessionOwner(grant('g1')));
    expect(sessionOwner(grant('g1'))).not.toBe(sessionOwner(grant('g2')));
  });

  test('a direct Entra token is owned by its user: same user, same owner; another user or tenant, another owner', () => {
    expect(sessionOwner(entra('oid-1'))).toBe(sessionOwner(entra('oid-1', 'tid-1', 'entra-token-2')));
    expect(sessionOwner(entra('oid-1'))).not.toBe(sessionOwner(entra('oid-2')));
    expect(sessionOwner(entra('oid-1', 'tid-1'))).not.toBe(sessionOwner(entra('oid-1', 'tid-2')));
  });

  test('a grant and a direct Entra token of the same user are different owners', () => {
    expect(sessionOwner(grant('g1', 'oid-1', 'tid-1'))).not.toBe(sessionOwner(entra('oid-1', 'tid-1')));
  });

  test("one Entra user's SSE session cannot be posted to by another Entra user", async () => {
    const owned = { ...context, owner: sessionOwner(entra('oid-1')) };
    const sealed = new URL(await rewriteEndpointData('message?azmcpcs=STATE', owned), 'http://x').searchParams.get('session');
    expect(await upstreamMessageQuery(ring, sealed, sessionOwner(entra('oid-1', 'tid-1', 'entra-token-2')), Date.now())).toBe('azmcpcs=STATE');
    expect(await upstreamMessageQuery(ring, sealed, sessionOwner(entra('oid-2')), Date.now())).toBeUndefined();
    expect(await upstreamMessageQuery(ring, sealed, sessionOwner(grant('g1')), Date.now())).toBeUndefined();
  });
});

describe('mcp stream guard: a revoked session loses its open stream', () => {
  test('the stream ends once the session is no longer authorised, and the upstream request with it', async () => {
    const upstream = new PassThrough(); // never ends by itself, like the extension's SSE reply
    upstream.write('event: message\n\n');
    let authorised = true;
    let revoked = 0;
    const guarded = guardStream(upstream, { stillAuthorised: async () => authorised, intervalMs: 5, onRevoked: () => revoked++ });
    expect(new TextDecoder().decode((await guarded.next()).value)).toBe('event: message\n\n');
    authorised = false;
    expect((await guarded.next()).done).toBe(true); // the read in progress ends
    expect(upstream.destroyed).toBe(true);
    expect(revoked).toBe(1);
  });

  test('an upstream that fails mid-stream ends the stream cleanly; a reader that stops ends the upstream', async () => {
    const failing = new PassThrough();
    const guarded = guardStream(failing, { stillAuthorised: async () => true, intervalMs: 60_000 });
    failing.write('data: a\n\n');
    expect((await guarded.next()).done).toBe(false);
    failing.destroy(new Error('socket hang up'));
    expect((await guarded.next()).done).toBe(true);

    const abandoned = new PassThrough();
    let ended = 0;
    const stopped = guardStream(abandoned, { stillAuthorised: async () => true, intervalMs: 60_000, onEnd: () => ended++ });
    await stopped.return!(undefined);
    expect(abandoned.destroyed).toBe(true);
    expect(ended).toBe(1);
  });
});
