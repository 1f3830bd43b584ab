// Conditional Access end to end: the Entra emulator's policies on Microsoft Graph, the gateway's OBO,
// and a real MCP SDK client that is told to sign in again, does so once (with the emulator's second
// factor) and succeeds. The whole local stack; nothing mocked.
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { GRAPH_APP_ID, LOCAL_USERS } from '../../src/local/defaults.js';
import { authorizeInBrowser, type BrowserFlowResult } from '../support/browser-flow.js';
import { MemoryOAuthProvider } from '../support/oauth-provider.js';
import { call, errorCode, startToolStack, TOKEN_PATTERN, type ToolStack } from './tools-support.js';

const [ADELE, ADMIN] = LOCAL_USERS;
const MFA_POLICY = '0a0a0a0a-0000-4000-8000-00000000cafe';
const BLOCK_POLICY = '0b0b0b0b-0000-4000-8000-00000000b10c';

interface Session {
  provider: MemoryOAuthProvider;
  client: Client;
  /** The browser run of the last sign-in (how often Entra asked for the second factor). */
  lastSignIn: BrowserFlowResult;
}

describe('Conditional Access on Microsoft Graph, through the gateway and a real MCP client', () => {
  let ts: ToolStack;

  beforeAll(async () => {
    ts = await startToolStack('managed_identity');
  }, 60_000);
  afterAll(() => ts?.close());
  afterEach(() => {
    ts.stack.entra.directory.conditionalAccess.length = 0;
  });

  /** The SDK's auth() with the scripted browser; returns the browser run. */
  async function signIn(provider: MemoryOAuthProvider, username: string): Promise<BrowserFlowResult> {
    const serverUrl = ts.stack.urls.mcp;
    if ((await auth(provider, { serverUrl })) !== 'REDIRECT') throw new Error('expected a redirect to sign in');
    const run = await authorizeInBrowser(provider.authorizationUrl!.href, { username });
    const code = run.redirect.searchParams.get('code');
    if (!code) throw new Error(`sign-in failed: ${run.redirect.searchParams.get('error_description')}`);
    expect(await auth(provider, { serverUrl, authorizationCode: code })).toBe('AUTHORIZED');
    return run;
  }

  async function connect(provider: MemoryOAuthProvider): Promise<Client> {
    const client = new Client({ name: 'ca-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(ts.stack.urls.mcp), { authProvider: provider }));
    return client;
  }

  async function session(username: string): Promise<Session> {
    const provider = new MemoryOAuthProvider();
    const lastSignIn = await signIn(provider, username);
    return { provider, client: await connect(provider), lastSignIn };
  }

  test('MFA required for Graph: told to sign in again, signs in once (second factor), and the call succeeds; nobody else gets the challenge', async () => {
    ts.stack.entra.directory.conditionalAccess.push({ id: MFA_POLICY, users: [ADELE.username], resources: [GRAPH_APP_ID], grant: 'mfa' });
    const adele = await session(ADELE.username);
    // The policy covers Graph, not the gateway's API: the first sign-in asks for no second factor.
    expect(adele.lastSignIn.mfaPrompts).toBe(0);
    const graphBefore = ts.stack.graph.counters.requests;

    const refused = await call(adele.client, 'get_graph_user_details');
    expect(errorCode(refused)).toBe('interaction_required');
    expect(refused.structured.error).toMatchObject({ aadsts: '50076' });
    for (const part of ['multi-factor authentication', 'AADSTS50076', 'Microsoft Graph', 'session has been ended', 'sign in', 'call this tool again']) {
      expect(refused.text).toContain(part);
    }
    expect(refused.text).not.toMatch(TOKEN_PATTERN);
    expect(ts.stack.graph.counters.requests).toBe(graphBefore);
    expect(ts.logs.some((l) => l.includes('claims challenge is kept for the next sign-in'))).toBe(true);

    // Another user signing in meanwhile is not handed Adele's challenge.
    const admin = await session(ADMIN.username);
    expect(admin.lastSignIn.mfaPrompts).toBe(0);
    expect((await call(admin.client, 'whoami')).structured).toMatchObject({ oid: ADMIN.oid });

    // The session is over: the client's next request is refused and its refresh fails, so it must re-authorize.
    await expect(adele.client.callTool({ name: 'whoami', arguments: {} })).rejects.toThrow(UnauthorizedError);
    expect(adele.provider.tokens()).toBeUndefined();
    expect(adele.provider.authorizationUrl).toBeDefined();
    await adele.client.close().catch(() => undefined);

    // One re-authorization: Entra is visited twice (the second time with the claims challenge), the
    // second factor is asked once, and the tool works.
    const signInsBefore = ts.stack.entra.counters.signIns;
    const again = await signIn(adele.provider, ADELE.username);
    expect(again.mfaPrompts).toBe(1);
    expect(again.visited.filter((u) => u.includes('/oauth2/v2.0/authorize') && u.includes('claims=')).length).toBeGreaterThanOrEqual(1);
    expect(ts.stack.entra.counters.signIns).toBe(signInsBefore + 2);
    const client = await connect(adele.provider);
    try {
      const ok = await call(client, 'get_graph_user_details');
      expect(errorCode(ok)).toBeUndefined();
      expect(ok.structured).toMatchObject({ id: ADELE.oid, displayName: ADELE.name });
      // The challenge was used up: a later sign-in asks for nothing more.
      const later = await session(ADELE.username);
      expect(later.lastSignIn.mfaPrompts).toBe(0);
      await later.client.close();
    } finally {
      await client.close();
      await admin.client.close();
    }
  });

  test('blocked by Conditional Access (AADSTS53003): a clear refusal, and the session keeps working for everything else', async () => {
    ts.stack.entra.directory.conditionalAccess.push({ id: BLOCK_POLICY, users: [ADMIN.oid], resources: [GRAPH_APP_ID], grant: 'block' });
    const admin = await session(ADMIN.username);
    try {
      const refused = await call(admin.client, 'get_graph_user_details');
      expect(errorCode(refused)).toBe('conditional_access_blocked');
      expect(refused.text).toContain('AADSTS53003');
      expect(refused.text).toContain('Signing in again will not change that');
      expect((await call(admin.client, 'whoami')).structured).toMatchObject({ oid: ADMIN.oid });
    } finally {
      await admin.client.close();
    }
  });
});
