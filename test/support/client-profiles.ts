// How real MCP clients register and authorize, as they send it on the wire. Sources (read, not copied):
// - Claude Code: DCR `client_name` "Claude Code (<server name>)", loopback `http://localhost:<port>/callback`
//   (port random, or fixed with --callback-port), public client; sends `resource` = the MCP URL and the
//   challenge's `scope`. Newer versions identify by CIMD instead (see `cimd` below).
// - Cursor: `cursor://anysphere.cursor-mcp/oauth/callback` (Cursor's MCP docs), public client.
// - VS Code: src/vs/base/common/oauth.ts `fetchDynamicRegistration`: client_uri code.visualstudio.com,
//   grant types filtered by the server's `grant_types_supported`, redirect URIs vscode.dev and
//   insiders.vscode.dev relays plus `http://127.0.0.1/` and `http://127.0.0.1:33418/`, `application_type`
//   native, public client; it uses the loopback URI when it can listen, else the vscode.dev relay.
// - ChatGPT connectors: `https://chatgpt.com/connector_platform_oauth_redirect`, public client with PKCE,
//   `scope` from `scopes_supported` and `resource` = the MCP URL (OpenAI developer forum request logs).
// - MCP Inspector: its bundled client (node_modules/@modelcontextprotocol/inspector/client/dist),
//   `InspectorOAuthClientProvider.clientMetadata`: "MCP Inspector", `${origin}/oauth/callback`.

export interface ClientProfile {
  /** Test title. */
  title: string;
  /** The DCR request body; absent for a CIMD client (its document is the registration). */
  registration?: Record<string, unknown>;
  /** The redirect URI this authorization uses (one of the registered ones). */
  redirectUri: string;
  /** Whether the client sends `scope` (the 401 challenge's) and `resource` (the MCP URL). */
  sendsScope: boolean;
  sendsResource: boolean;
  /** What the consent page must name: the client and where the browser goes back to. */
  expectedName: string;
  expectedRedirectHost: string;
}

const publicClient = {
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};

export function clientProfiles(scope: string): ClientProfile[] {
  const claudePort = 51723; // any free-looking ephemeral port: nothing listens, the flow stops at the redirect
  const vscode = {
    client_name: 'Visual Studio Code',
    client_uri: 'https://code.visualstudio.com',
    ...publicClient,
    redirect_uris: ['https://insiders.vscode.dev/redirect', 'https://vscode.dev/redirect', 'http://127.0.0.1/', 'http://127.0.0.1:33418/'],
    scope,
    application_type: 'native',
  };
  return [
    {
      title: 'Claude Code (loopback /callback, resource = MCP URL)',
      registration: { client_name: 'Claude Code (entra-gateway)', redirect_uris: [`http://localhost:${claudePort}/callback`], ...publicClient },
      redirectUri: `http://localhost:${claudePort}/callback`,
      sendsScope: true,
      sendsResource: true,
      expectedName: 'Claude Code (entra-gateway)',
      expectedRedirectHost: `localhost:${claudePort}`,
    },
    {
      title: 'Cursor (cursor:// private-use scheme)',
      registration: { client_name: 'Cursor', redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback'], ...publicClient },
      redirectUri: 'cursor://anysphere.cursor-mcp/oauth/callback',
      sendsScope: true,
      sendsResource: true,
      expectedName: 'Cursor',
      expectedRedirectHost: 'anysphere.cursor-mcp',
    },
    {
      title: 'VS Code (loopback 127.0.0.1:33418)',
      registration: vscode,
      redirectUri: 'http://127.0.0.1:33418/',
      sendsScope: true,
      sendsResource: true,
      expectedName: 'Visual Studio Code',
      expectedRedirectHost: '127.0.0.1:33418',
    },
    {
      title: 'VS Code (vscode.dev relay)',
      registration: vscode,
      redirectUri: 'https://vscode.dev/redirect',
      sendsScope: true,
      sendsResource: true,
      expectedName: 'Visual Studio Code',
      expectedRedirectHost: 'vscode.dev',
    },
    {
      title: 'ChatGPT connector (chatgpt.com redirect)',
      registration: { client_name: 'ChatGPT', redirect_uris: ['https://chatgpt.com/connector_platform_oauth_redirect'], ...publicClient },
      redirectUri: 'https://chatgpt.com/connector_platform_oauth_redirect',
      sendsScope: true,
      sendsResource: true,
      expectedName: 'ChatGPT',
      expectedRedirectHost: 'chatgpt.com',
    },
    {
      title: 'MCP Inspector (localhost:6274/oauth/callback)',
      registration: {
        redirect_uris: ['http://localhost:6274/oauth/callback'],
        ...publicClient,
        client_name: 'MCP Inspector',
        client_uri: 'https://github.com/modelcontextprotocol/inspector',
      },
      redirectUri: 'http://localhost:6274/oauth/callback',
      sendsScope: false,
      sendsResource: true,
      expectedName: 'MCP Inspector',
      expectedRedirectHost: 'localhost:6274',
    },
  ];
}
