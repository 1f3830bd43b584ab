// Drives one client's sign-in and MCP traffic through the local stack's front, choosing the instance for
// each request with the front's pin header, so a test says exactly which instance served which step.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LOCAL_PASSWORD } from '../../src/local/defaults.js';
import { PIN_HEADER } from '../../src/local/instances/index.js';
import type { LocalStack } from '../../src/local/stack.js';
import { browse as browseAs, CookieJar, readForm } from '../support/browser.js';
import { textOf } from '../support/browser-flow.js';
import { authorizationUrl } from '../support/oauth-client.js';
import { resultText } from '../support/mcp-session.js';

export const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';

/** A fetch that sends each request to the next instance of `pins` (1-based, cycling). */
export function pinnedFetch(pins: number[]): typeof fetch & { sent: number[] } {
  let i = 0;
  const sent: number[] = [];
  const pinned = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const pin = pins[i++ % pins.length]!;
    sent.push(pin);
    const headers = new Headers(init.headers);
    headers.set(PIN_HEADER, String(pin));
    return fetch(input, { ...init, headers });
  }) as typeof fetch & { sent: number[] };
  pinned.sent = sent;
  return pinned;
}

/** One request as a browser sends it, pinned to an instance when `pin` is given (the Entra emulator: not). */
function browse(jar: CookieJar, url: string, pin: number | undefined, form?: Record<string, string>): Promise<Response> {
  return browseAs(jar, url, form, pin === undefined ? {} : { [PIN_HEADER]: String(pin) });
}

async function expectRedirect(response: Response, what: string): Promise<string> {
  const location = response.headers.get('location');
  if (response.status < 300 || response.status >= 400 || !location) {
    throw new Error(`${what}: expected a redirect, got ${response.status} ${textOf(await response.text())}`);
  }
  return location;
}

export interface SignedIn {
  clientId: string;
  accessToken: string;
  refreshToken: string;
}

export interface SplitPins {
  register: number;
  authorize: number;
  consent: number;
  callback: number;
  token: number;
}

export interface Authorized {
  clientId: string;
  code: string;
  verifier: string;
}

/** Registration, /authorize, consent, Entra sign-in and /callback, each on the instance `pins` names. */
export interface AuthorizeOptions {
  username?: string;
  scope?: string;
  /** An already registered client (default: a new registration). */
  clientId?: string;
  /** Runs just before the browser comes back to /callback (a test moves the clock there). */
  beforeCallback?: () => void | Promise<void>;
}

/** Registers a public client (on one instance); returns its client_id. */
export async function registerClient(stack: LocalStack, pin = 1): Promise<string> {
  const registered = await fetch(`${stack.urls.gateway}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [PIN_HEADER]: String(pin) },
    body: JSON.stringify({ client_name: 'split-client', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
  });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  return ((await registered.json()) as { client_id: string }).client_id;
}

export async function authorizeSplit(stack: LocalStack, pins: Omit<SplitPins, 'token'>, options: AuthorizeOptions = {}): Promise<Authorized> {
  const { username = 'adele@contoso.test', scope = 'mcp:tools' } = options;
  const base = stack.urls.gateway;
  const clientId = options.clientId ?? (await registerClient(stack, pins.register));

  const request = authorizationUrl(`${base}/authorize`, clientId, REDIRECT_URI, { resource: stack.urls.mcp, scope });
  const jar = new CookieJar();
  const consentPage = await browse(jar, request.url, pins.authorize);
  if (consentPage.status !== 200) throw new Error(`/authorize answered ${consentPage.status}: ${(await consentPage.text()).slice(0, 300)}`);
  const consent = readForm(await consentPage.text(), request.url);
  const toEntra = await expectRedirect(await browse(jar, consent.action, pins.consent, { ...consent.fields, decision: 'approve' }), 'consent');

  const signInPage = await browse(jar, toEntra, undefined);
  const signIn = readForm(await signInPage.text(), toEntra);
  const toCallback = await expectRedirect(
    await browse(jar, signIn.action, undefined, { ...signIn.fields, username, password: LOCAL_PASSWORD }),
    'Entra sign-in',
  );
  await options.beforeCallback?.();
  const toClient = new URL(await expectRedirect(await browse(jar, toCallback, pins.callback), '/callback'));
  const code = toClient.searchParams.get('code');
  if (!code) throw new Error(`no code: ${toClient.searchParams.get('error')}: ${toClient.searchParams.get('error_description')}`);
  return { clientId, code, verifier: request.verifier };
}

/** The code redemption on one instance. */
export function redeem(stack: LocalStack, pin: number, authorized: Authorized) {
  return tokenRequest(stack, pin, {
    grant_type: 'authorization_code',
    code: authorized.code,
    code_verifier: authorized.verifier,
    redirect_uri: REDIRECT_URI,
    client_id: authorized.clientId,
    resource: stack.urls.mcp,
  });
}

/** The whole sign-in, each step on the instance `pins` names. */
export async function signInSplit(stack: LocalStack, pins: SplitPins, options: AuthorizeOptions = {}): Promise<SignedIn> {
  const authorized = await authorizeSplit(stack, pins, options);
  const tokens = await redeem(stack, pins.token, authorized);
  if (tokens.status !== 200) throw new Error(`/token answered ${tokens.status}: ${JSON.stringify(tokens.json)}`);
  return { clientId: authorized.clientId, accessToken: String(tokens.json.access_token), refreshToken: String(tokens.json.refresh_token) };
}

/** POST /token on one instance. */
export async function tokenRequest(
  stack: LocalStack,
  pin: number,
  params: Record<string, string>,
): Promise<{ status: number; retryAfter: string | null; json: Record<string, unknown> }> {
  const response = await fetch(`${stack.urls.gateway}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', [PIN_HEADER]: String(pin) },
    body: new URLSearchParams(params),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), json: (await response.json()) as Record<string, unknown> };
}

/** The refresh grant on one instance. */
export function refresh(stack: LocalStack, pin: number, signedIn: SignedIn, refreshToken = signedIn.refreshToken) {
  return tokenRequest(stack, pin, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: signedIn.clientId, resource: stack.urls.mcp });
}

/** An MCP SDK client over streamable HTTP with a fixed bearer token, its requests pinned by `pins`. */
export async function mcpClient(stack: LocalStack, accessToken: string, pins: number[]): Promise<{ client: Client; sent: number[] }> {
  const fetchPinned = pinnedFetch(pins);
  const transport = new StreamableHTTPClientTransport(new URL(stack.urls.mcp), {
    fetch: fetchPinned,
    requestInit: { headers: { authorization: `Bearer ${accessToken}` } },
  });
  const client = new Client({ name: 'split-client', version: '1.0.0' });
  await client.connect(transport);
  return { client, sent: fetchPinned.sent };
}

/** A raw `tools/call` of `whoami` on one instance: its HTTP status (401 once the grant is gone). */
export async function whoamiStatus(stack: LocalStack, pin: number, accessToken: string): Promise<number> {
  const response = await fetch(stack.urls.mcp, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${accessToken}`,
      [PIN_HEADER]: String(pin),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
  });
  await response.text();
  return response.status;
}

export async function whoamiText(client: Client): Promise<string> {
  return resultText(await client.callTool({ name: 'whoami', arguments: {} }));
}

/** An MCP SDK client over legacy SSE: the stream's GET on the first of `pins`, each POST on the next. */
export async function sseClient(stack: LocalStack, accessToken: string, pins: number[]): Promise<{ client: Client; sent: number[] }> {
  const fetchPinned = pinnedFetch(pins);
  const authorization = `Bearer ${accessToken}`;
  const transport = new SSEClientTransport(new URL(stack.urls.mcpSse), {
    fetch: fetchPinned,
    requestInit: { headers: { authorization } },
    eventSourceInit: {
      fetch: (url, init) => fetchPinned(url, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization } }),
    },
  });
  const client = new Client({ name: 'split-sse-client', version: '1.0.0' });
  await client.connect(transport);
  return { client, sent: fetchPinned.sent };
}
