// Each client's own registration metadata and redirect URI style, through the whole flow on the local
// stack process: 401 → PRM → AS metadata → DCR (or CIMD) → authorize → consent → Entra sign-in →
// callback → the client's redirect (stopped there: most of these URIs cannot be served here) → code,
// state and iss checked → /token with the PKCE verifier → a tool call with the access token.
import { createServer, type Server } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { authorizeInBrowser } from '../support/browser-flow.js';
import { clientProfiles, type ClientProfile } from '../support/client-profiles.js';
import { listAndCallProfile, PROFILE_TOOL } from '../support/mcp-session.js';
import { authorizationUrl, discover, register, tokenRequest, type Discovery } from '../support/oauth-client.js';
import { startStackProcess, type StackProcess } from '../support/stack-process.js';

const TIMEOUT = 90_000;

async function callProfileTool(mcpUrl: string, accessToken: string) {
  const client = new Client({ name: 'e2e-profile', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${accessToken}` } } }));
  try {
    return await listAndCallProfile(client);
  } finally {
    await client.close();
  }
}

describe('e2e: client profiles (registration metadata and redirect URIs as real clients send them)', () => {
  let stack: StackProcess;
  let discovery: Discovery;
  beforeAll(async () => {
    stack = await startStackProcess();
    discovery = await discover(stack.mcpUrl);
  }, TIMEOUT);
  afterAll(async () => {
    await stack?.stop();
  });

  test('discovery from the 401 names this gateway as resource and issuer', () => {
    expect(discovery.resourceMetadataUrl).toBe(`${stack.baseUrl}/.well-known/oauth-protected-resource/mcp`);
    expect(discovery.resource).toBe(stack.mcpUrl);
    expect(discovery.issuer).toBe(stack.baseUrl);
    expect(discovery.registrationEndpoint).toBe(`${stack.baseUrl}/register`);
    expect(discovery.challengeScope).toContain('mcp:tools');
  });

  /** The flow after registration, for a client id (registered or a CIMD URL). */
  async function runFlow(profile: ClientProfile, clientId: string) {
    const request = authorizationUrl(discovery.authorizationEndpoint, clientId, profile.redirectUri, {
      scope: profile.sendsScope ? discovery.challengeScope : undefined,
      resource: profile.sendsResource ? discovery.resource : undefined,
    });
    const flow = await authorizeInBrowser(request.url);
    expect(flow.consentHtml).toContain(profile.expectedName);
    expect(flow.consentHtml).toContain(profile.expectedRedirectHost);
    expect(flow.redirect.href.startsWith(profile.redirectUri)).toBe(true);
    expect(flow.redirect.searchParams.get('state')).toBe(request.state);
    expect(flow.redirect.searchParams.get('iss')).toBe(stack.baseUrl);
    const code = flow.redirect.searchParams.get('code');
    expect(code).toBeTruthy();

    const token = await tokenRequest(discovery.tokenEndpoint, {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: profile.redirectUri,
      client_id: clientId,
      code_verifier: request.verifier,
      resource: profile.sendsResource ? discovery.resource : undefined,
    });
    expect(token.status).toBe(200);
    expect(token.cacheControl).toContain('no-store');
    expect(String(token.json.token_type).toLowerCase()).toBe('bearer');
    expect(typeof token.json.refresh_token).toBe('string');

    const { tools, text, isError } = await callProfileTool(stack.mcpUrl, String(token.json.access_token));
    expect(tools).toContain(PROFILE_TOOL);
    expect(isError).toBe(false);
    expect(text).toContain('Adele Vance');
    return { request, code: code! };
  }

  // Built lazily: the challenge's scope is known only after discovery.
  test.each(clientProfiles('mcp:tools').map((p) => [p.title, p] as const))(
    '%s: DCR → consent → sign-in → redirect with code, state, iss → token → tool call',
    async (_title, template) => {
      const profile = clientProfiles(discovery.challengeScope).find((p) => p.title === template.title)!;
      const registered = await register(discovery.registrationEndpoint, profile.registration!);
      expect(registered.status).toBe(201);
      expect(registered.json.redirect_uris).toEqual(profile.registration!.redirect_uris);
      expect(registered.json.token_endpoint_auth_method).toBe('none');
      expect(registered.json.client_secret).toBeUndefined();
      await runFlow(profile, String(registered.json.client_id));
    },
    TIMEOUT,
  );

  test(
    'Claude Code: the code is bound to resource = the MCP URL; a token request naming another resource is refused',
    async () => {
      const profile = clientProfiles(discovery.challengeScope)[0]!;
      const registered = await register(discovery.registrationEndpoint, profile.registration!);
      const clientId = String(registered.json.client_id);
      const request = authorizationUrl(discovery.authorizationEndpoint, clientId, profile.redirectUri, {
        scope: discovery.challengeScope,
        resource: discovery.resource,
      });
      const code = (await authorizeInBrowser(request.url)).redirect.searchParams.get('code')!;
      const wrong = await tokenRequest(discovery.tokenEndpoint, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: profile.redirectUri,
        client_id: clientId,
        code_verifier: request.verifier,
        resource: `${stack.baseUrl}/not-the-mcp-server`,
      });
      expect(wrong.status).toBe(400);
      expect(wrong.json.error).toBe('invalid_target');
    },
    TIMEOUT,
  );

  test(
    'Claude Code: an authorization request for a foreign resource never reaches consent',
    async () => {
      const profile = clientProfiles(discovery.challengeScope)[0]!;
      const registered = await register(discovery.registrationEndpoint, profile.registration!);
      const request = authorizationUrl(discovery.authorizationEndpoint, String(registered.json.client_id), profile.redirectUri, {
        scope: discovery.challengeScope,
        resource: 'https://mcp.example.com/mcp',
      });
      const response = await fetch(request.url, { redirect: 'manual' });
      const body = await response.text();
      expect(body).not.toContain('name="decision"');
      if (response.status >= 300 && response.status < 400) {
        const back = new URL(response.headers.get('location')!);
        expect(back.searchParams.get('error')).toBe('invalid_target');
        expect(back.searchParams.get('state')).toBe(request.state);
      } else {
        expect(response.status).toBe(400);
      }
    },
    TIMEOUT,
  );

  describe('a client identified by a client-ID metadata document (CIMD) on loopback', () => {
    let server: Server;
    let documentUrl = '';
    let fetches = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url !== '/oauth/client-metadata.json') {
          res.writeHead(404).end();
          return;
        }
        fetches++;
        // Shaped like Claude Code's own document: loopback redirect URIs without a port (RFC 8252 §7.3).
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' }).end(
          JSON.stringify({
            client_id: documentUrl,
            client_name: 'E2E CIMD Client',
            client_uri: documentUrl.replace(/\/oauth\/.*$/, '/'),
            redirect_uris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          }),
        );
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const address = server.address();
      documentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/oauth/client-metadata.json`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    test(
      'no registration: the gateway fetches the document; consent names the client and its domain; token; tool call',
      async () => {
        const port = 52817;
        const profile: ClientProfile = {
          title: 'CIMD',
          redirectUri: `http://localhost:${port}/callback`,
          sendsScope: true,
          sendsResource: true,
          expectedName: 'E2E CIMD Client',
          expectedRedirectHost: `localhost:${port}`,
        };
        await runFlow(profile, documentUrl);
        expect(fetches).toBeGreaterThanOrEqual(1);
      },
      TIMEOUT,
    );
  });
});
