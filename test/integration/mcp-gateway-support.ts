// Support for the MCP gateway integration tests: the local stack's emulators plus a local Functions
// host running the gateway fixture app, and a scripted browser that signs in at the Entra emulator and
// approves the gateway's consent page (cookies kept per host, redirects followed by hand).
import { fileURLToPath } from 'node:url';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startLocalHost } from '../../src/local/host/index.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { LOCAL_PASSWORD } from '../../src/local/defaults.js';

export interface GatewayUnderTest {
  stack: LocalStack;
  baseUrl: string;
  close(): Promise<void>;
}

/** The emulators from the local stack, and the gateway fixture app on a local host with real keys. */
export async function startGateway(): Promise<GatewayUnderTest> {
  const stack = await startLocalStack({ emulatorsOnly: true, gatewayPort: 0 });
  const previous = new Map(Object.keys(stack.env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, stack.env);
  const restore = () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  try {
    const host = await startLocalHost({
      appEntry: fileURLToPath(new URL('../fixtures/gateway-app/index.js', import.meta.url)),
      port: Number(new URL(stack.urls.gateway).port),
      hostname: 'localhost',
      keys: { systemKeys: { mcp_extension: stack.env.MCP_EXTENSION_KEY! } },
      log: () => {},
    });
    return {
      stack,
      baseUrl: stack.urls.gateway,
      close: async () => {
        await host.close();
        await stack.close();
        restore();
      },
    };
  } catch (error) {
    await stack.close();
    restore();
    throw error;
  }
}

/** An MCP client's OAuth state, in memory: DCR registration, PKCE verifier, tokens. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  readonly redirectUrl = 'http://127.0.0.1:9/oauth/callback';
  private client?: OAuthClientInformationMixed;
  private saved?: OAuthTokens;
  private verifier = '';
  pendingAuthorization?: URL;

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'mcp-gateway integration test',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  /** What a client does before a step-up: with a refresh token kept, `auth()` would refresh instead. */
  forgetTokens() {
    this.saved = undefined;
  }
  redirectToAuthorization(url: URL) {
    this.pendingAuthorization = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/**
 * Runs the SDK's `auth()` end to end: discovery, DCR, browser sign-in and consent, code exchange.
 * `scope` is what a challenge would pass (without it the SDK asks for the PRM's `scopes_supported`).
 */
export async function authorize(provider: MemoryOAuthProvider, mcpUrl: string, username = 'adele@contoso.test', scope?: string): Promise<OAuthTokens> {
  const first = await auth(provider, { serverUrl: mcpUrl, scope });
  if (first === 'REDIRECT') {
    if (!provider.pendingAuthorization) throw new Error('auth() asked for a redirect but gave no URL');
    const code = await new Browser().authorize(provider.pendingAuthorization, provider.redirectUrl, username);
    const second = await auth(provider, { serverUrl: mcpUrl, authorizationCode: code, scope });
    if (second !== 'AUTHORIZED') throw new Error('the code exchange did not authorize');
  }
  const tokens = provider.tokens();
  if (!tokens) throw new Error('no tokens after auth()');
  return tokens;
}

const entity = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A person at a browser: follows redirects, keeps cookies per host, fills in the forms it meets. */
class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  async authorize(start: URL, redirectUri: string, username: string): Promise<string> {
    let request: { url: URL; method: string; body?: URLSearchParams } = { url: start, method: 'GET' };
    for (let step = 0; step < 20; step++) {
      const response = await this.send(request);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, request.url);
        if (next.href.startsWith(redirectUri)) {
          const code = next.searchParams.get('code');
          if (!code) throw new Error(`authorization failed: ${next.searchParams.get('error')} ${next.searchParams.get('error_description')}`);
          return code;
        }
        request = { url: next, method: 'GET' };
        continue;
      }
      const html = await response.text();
      if (response.status !== 200) throw new Error(`unexpected ${response.status} at ${request.url.pathname}: ${html.slice(0, 300)}`);
      request = this.submit(html, request.url, username);
    }
    throw new Error('too many steps in the authorization flow');
  }

  /** The page's first POST form: its hidden fields, the credentials if asked, and "approve". */
  private submit(html: string, pageUrl: URL, username: string): { url: URL; method: string; body: URLSearchParams } {
    const form = /<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
    if (!form) throw new Error(`no form on ${pageUrl.pathname}: ${html.slice(0, 300)}`);
    const body = new URLSearchParams();
    for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]*)"[^>]*value="([^"]*)"/gi)) {
      body.set(entity(input[1]!), entity(input[2]!));
    }
    if (/name="password"/.test(form[2]!)) {
      body.set('username', username);
      body.set('password', LOCAL_PASSWORD);
    }
    if (/name="decision"/.test(form[2]!)) body.set('decision', 'approve');
    return { url: new URL(entity(form[1]!), pageUrl), method: 'POST', body };
  }

  private async send(request: { url: URL; method: string; body?: URLSearchParams }): Promise<Response> {
    const cookies = [...(this.jar.get(request.url.hostname) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(request.url, {
      method: request.method,
      redirect: 'manual',
      headers: {
        ...(cookies ? { cookie: cookies } : {}),
        ...(request.body ? { 'content-type': 'application/x-www-form-urlencoded', origin: request.url.origin } : {}),
      },
      body: request.body,
    });
    const jar = this.jar.get(request.url.hostname) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
    this.jar.set(request.url.hostname, jar);
    return response;
  }
}

/** A JSON-RPC `tools/call` of the fixture tool, as a client would POST it. */
export const CALL_WHOAMI = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami_token', arguments: {} } });

export const MCP_POST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } as const;

/** RFC 7009 revocation as the client would send it (a public client names itself). */
export async function revoke(baseUrl: string, token: string, clientId: string): Promise<number> {
  const response = await fetch(`${baseUrl}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: clientId }),
  });
  await response.body?.cancel();
  return response.status;
}

/**
 * Opens `GET /mcp/sse` and reads events until the `endpoint` event. Returns its data and a reader
 * for the rest of the stream (cancel it when done).
 */
export async function openSse(url: string, token: string): Promise<{ endpoint: string; next(): Promise<string | undefined>; close(): Promise<void> }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
  if (response.status !== 200 || !response.body) throw new Error(`GET /mcp/sse answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<string | undefined> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return event;
      }
      const { done, value } = await reader.read();
      if (done) return undefined;
      buffer += value;
    }
  };
  let event: string | undefined;
  while ((event = await next()) !== undefined && !event.includes('event: endpoint'));
  const data = /^data: (.*)$/m.exec(event ?? '')?.[1];
  if (!data) throw new Error('no endpoint event on the SSE stream');
  return { endpoint: data, next, close: () => reader.cancel().catch(() => undefined) };
}
