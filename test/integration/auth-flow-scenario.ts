import { readFileSync } from 'node:fs';
import { auth, refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { startLocalStack, type LocalCredential, type LocalStack } from '../../src/local/stack.js';
import { CookieJar } from '../support/browser.js';
import { clientMetadata, MemoryOAuthProvider, signInThroughBrowser, type BrowserTrace } from './auth-flow-client.js';

const CLIENT_REDIRECT = 'http://127.0.0.1:33418/oauth/callback';

/** The base64 lines of one PEM block (e.g. `PRIVATE KEY`) in a file that may hold several. */
function pemBodyLines(pem: string, label: string): string[] {
  const block = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!block) throw new Error(`no ${label} block in the PEM file`);
  return block[1]!
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** An MCP initialize POST with a bearer token; the status says whether the token still works. */
async function mcpStatus(stack: LocalStack, accessToken: string): Promise<number> {
  const response = await fetch(stack.urls.mcp, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'flow-test', version: '1' } },
    }),
  });
  await response.body?.cancel();
  return response.status;
}

async function revoke(stack: LocalStack, provider: MemoryOAuthProvider, token: string): Promise<Response> {
  const info = provider.information!;
  const body = new URLSearchParams({ token, client_id: info.client_id });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (info.client_secret)
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(info.client_id)}:${encodeURIComponent(info.client_secret)}`).toString('base64')}`;
  if (info.client_secret) body.delete('client_id');
  return fetch(`${stack.urls.gateway}/revoke`, { method: 'POST', headers, body });
}

/** Everything the gateway and its host wrote, and every console line, while `run` ran. */
async function capturingConsole<T>(lines: string[], run: () => Promise<T>): Promise<T> {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((m) => console[m]);
  for (const m of methods)
    console[m] = (...args: unknown[]) =>
      void lines.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  try {
    return await run();
  } finally {
    methods.forEach((m, i) => (console[m] = originals[i]!));
  }
}

/**
 * The whole flow with the official MCP SDK client: discovery, registration, authorize, consent,
 * Entra sign-in, callback, token; then a refresh; then a revoke after which nothing works. Also checks
 * that no secret the flow handled appears in anything the gateway logged.
 */
export function describeFullFlow(credential: LocalCredential): void {
  const authMethod = credential === 'secret' ? 'client_secret_basic' : 'none';
  describe(`authorization flow with the MCP SDK client (gateway credential: ${credential}, client auth: ${authMethod})`, () => {
    let stack: LocalStack;
    const logged: string[] = [];

    beforeAll(async () => {
      stack = await startLocalStack({ gatewayPort: 0, credential, log: (level, message) => logged.push(`[${level}] ${message}`) });
    });
    afterAll(async () => {
      await stack?.close();
    });

    test('discovery → registration → consent → Entra sign-in → code → tokens → refresh → revoke; nothing secret is logged', async () => {
      const secrets: string[] = [];
      const trace: BrowserTrace = { urls: [], consentShown: false };
      const jar = new CookieJar();
      const provider = new MemoryOAuthProvider(CLIENT_REDIRECT, clientMetadata(CLIENT_REDIRECT, authMethod));
      const serverUrl = stack.urls.mcp;

      await capturingConsole(logged, async () => {
        expect(await auth(provider, { serverUrl })).toBe('REDIRECT');
        const authorizationUrl = provider.authorizationUrl!;
        expect(authorizationUrl.origin).toBe(stack.urls.gateway);
        expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
        expect(authorizationUrl.searchParams.get('resource')).toBe(stack.urls.mcp);
        if (credential === 'secret') expect(provider.information?.client_secret).toEqual(expect.any(String));

        const redirect = await signInThroughBrowser(jar, authorizationUrl.toString(), trace);
        expect(trace.consentShown).toBe(true);
        expect(jar.refused).toEqual([]);
        expect(`${redirect.origin}${redirect.pathname}`).toBe(CLIENT_REDIRECT);
        expect(redirect.searchParams.get('state')).toBe(provider.stateValue);
        expect(redirect.searchParams.get('iss')).toBe(stack.urls.gateway);
        const code = redirect.searchParams.get('code')!;
        expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

        expect(await auth(provider, { serverUrl, authorizationCode: code })).toBe('AUTHORIZED');
        const first = provider.saved as OAuthTokens;
        expect(first.token_type).toMatch(/^bearer$/i);
        expect(first.access_token.split('.')).toHaveLength(5); // a JWE, not Entra's JWT
        expect(first.refresh_token).toEqual(expect.any(String));
        expect(await mcpStatus(stack, first.access_token)).toBe(200);

        // With tokens saved, auth() refreshes: a new access token and a rotated refresh token.
        expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
        const second = provider.saved as OAuthTokens;
        expect(second.refresh_token).not.toBe(first.refresh_token);
        expect(second.access_token).not.toBe(first.access_token);
        expect(await mcpStatus(stack, second.access_token)).toBe(200);

        // A second sign-in in the same browser skips the consent page (remembered, signed cookie).
        const again = new MemoryOAuthProvider(CLIENT_REDIRECT, clientMetadata(CLIENT_REDIRECT, authMethod));
        again.information = provider.information;
        expect(await auth(again, { serverUrl })).toBe('REDIRECT');
        const secondTrace: BrowserTrace = { urls: [], consentShown: false };
        const secondRedirect = await signInThroughBrowser(jar, again.authorizationUrl!.toString(), secondTrace);
        expect(secondTrace.consentShown).toBe(false);
        secrets.push(secondRedirect.searchParams.get('code')!, again.verifier!);

        const revoked = await revoke(stack, provider, second.refresh_token!);
        expect(revoked.status).toBe(200);
        expect(await mcpStatus(stack, second.access_token)).toBe(401);
        const metadata = { token_endpoint: `${stack.urls.gateway}/token` } as Parameters<typeof refreshAuthorization>[1]['metadata'];
        await expect(
          refreshAuthorization(stack.urls.gateway, { metadata, clientInformation: provider.information!, refreshToken: second.refresh_token! }),
        ).rejects.toBeInstanceOf(InvalidGrantError);
        // Unknown tokens are answered 200 all the same (RFC 7009 §2.2).
        expect((await revoke(stack, provider, 'not-a-token')).status).toBe(200);

        // The gateway really redeemed Entra's codes, with the configured credential.
        expect(stack.entra.counters.tokenRequests.authorization_code).toBeGreaterThanOrEqual(2);
        expect(stack.entra.counters.managedIdentityTokens > 0).toBe(credential === 'managed_identity');

        secrets.push(code, first.access_token, first.refresh_token!, second.access_token, second.refresh_token!, provider.verifier!);
        if (provider.information?.client_secret) secrets.push(provider.information.client_secret);
      });

      // Codes and states from every URL the browser saw (Entra's and the gateway's), and every cookie value.
      for (const url of trace.urls) {
        for (const name of ['code', 'state']) {
          const value = new URL(url).searchParams.get(name);
          if (value) secrets.push(value);
        }
      }
      secrets.push(...jar.seenValues, stack.env.COOKIE_SECRET!, stack.env.TOKEN_ENCRYPTION_KEYS!.split(':')[1]!);
      // The certificate's private key, line by line as a PEM would be printed.
      if (stack.env.ENTRA_CERTIFICATE_PATH) secrets.push(...pemBodyLines(readFileSync(stack.env.ENTRA_CERTIFICATE_PATH, 'utf8'), 'PRIVATE KEY'));
      const everything = logged.join('\n');
      if (process.env.FLOW_TEST_PRINT_LOGS) process.stdout.write(everything + '\n');
      expect(logged.length).toBeGreaterThan(0);
      expect(everything).toContain('grant'); // the gateway did log the flow, by ids
      const leaked = secrets.filter((secret) => secret.length >= 16 && everything.includes(secret));
      expect(leaked).toEqual([]);
    });
  });
}
