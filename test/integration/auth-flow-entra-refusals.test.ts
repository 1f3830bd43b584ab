// Entra refusing a sign-in (declined consent, "Need admin approval", an unassigned user) reaches the MCP
// client as `access_denied` (never `server_error`), and the operator's log names the AADSTS code and the
// fix. The whole local stack, the MCP SDK's auth() and the scripted browser.
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { LOCAL_GATEWAY_APP, LOCAL_PASSWORD, LOCAL_USERS } from '../../src/local/defaults.js';
import { authorizeInBrowser, type BrowserFlowOptions } from '../support/browser-flow.js';
import { MemoryOAuthProvider } from '../support/oauth-provider.js';
import { startToolStack, type ToolStack } from './tools-support.js';

const [ADELE] = LOCAL_USERS;

describe('Entra refusals at sign-in reach the MCP client as access_denied, with the fix in the log', () => {
  let ts: ToolStack;
  const gatewayApp = () => ts.stack.entra.directory.apps.find((a) => a.appId === LOCAL_GATEWAY_APP.clientId)!;

  beforeAll(async () => {
    ts = await startToolStack('managed_identity');
  }, 60_000);
  afterAll(() => ts?.close());
  afterEach(() => {
    const app = gatewayApp();
    delete app.adminConsented;
    delete app.appRoleAssignmentRequired;
    ts.stack.entra.directory.userConsent = true;
  });

  /** One MCP client authorization; returns the query the client's redirect URI received. */
  async function attempt(options: BrowserFlowOptions): Promise<{ query: URLSearchParams; entraConsentPrompts: number }> {
    const provider = new MemoryOAuthProvider();
    expect(await auth(provider, { serverUrl: ts.stack.urls.mcp })).toBe('REDIRECT');
    const run = await authorizeInBrowser(provider.authorizationUrl!.href, options);
    expect(run.redirect.searchParams.get('iss')).toBe(ts.stack.urls.gateway);
    return { query: run.redirect.searchParams, entraConsentPrompts: run.entraConsentPrompts };
  }

  const logged = (code: string) => ts.logs.filter((l) => l.includes(`AADSTS${code}`)).join('\n');

  test("the user cancels Entra's consent step (AADSTS65004): access_denied; accepting it signs in", async () => {
    gatewayApp().adminConsented = false;
    const declined = await attempt({ username: ADELE.username, entraConsent: 'cancel' });
    expect(declined.entraConsentPrompts).toBe(1);
    expect(declined.query.get('error')).toBe('access_denied');
    expect(declined.query.get('error_description')).toContain('declined to consent');
    expect(declined.query.get('error_description')).not.toContain('Trace ID');
    expect(logged('65004')).toContain('Grant admin consent');

    const accepted = await attempt({ username: ADELE.username, entraConsent: 'accept' });
    expect(accepted.query.get('code')).toBeTruthy();
  });

  test('users may not consent ("Need admin approval"): going back is access_denied', async () => {
    gatewayApp().adminConsented = false;
    ts.stack.entra.directory.userConsent = false;
    const refused = await attempt({ username: LOCAL_USERS[1].username });
    expect(refused.entraConsentPrompts).toBe(1);
    expect(refused.query.get('error')).toBe('access_denied');
  });

  test('assignment required and the user is not assigned (AADSTS50105): access_denied, and the log says where to assign', async () => {
    gatewayApp().appRoleAssignmentRequired = true;
    ts.stack.entra.directory.users.push({
      oid: 'aaaaaaaa-0000-4000-8000-0000000000fe',
      username: 'visitor@contoso.test',
      name: 'Visitor',
      password: LOCAL_PASSWORD,
    });
    try {
      const refused = await attempt({ username: 'visitor@contoso.test' });
      expect(refused.query.get('error')).toBe('access_denied');
      expect(refused.query.get('error_description')).toContain('not assigned');
      expect(logged('50105')).toContain('Users and groups');
    } finally {
      ts.stack.entra.directory.users.pop();
    }
  });
});
