import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { LOCAL_USERS } from '../../src/local/defaults.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { audit, onAudit, type AuditRecord } from '../../src/observability/audit.js';
import { runInInvocation } from '../../src/observability/scope.js';
import { CookieJar } from '../support/browser.js';
import { clientMetadata, MemoryOAuthProvider, signInThroughBrowser, type BrowserTrace } from '../integration/auth-flow-client.js';

const CLIENT_REDIRECT = 'http://127.0.0.1:33418/oauth/callback';
const [, ADMIN] = LOCAL_USERS;

describe('audit records', () => {
  test('go to listeners and, inside an invocation, to its log as one line with its correlation id', () => {
    const seen: AuditRecord[] = [];
    const lines: string[] = [];
    const off = onAudit((r) => seen.push(r));
    try {
      audit('grant.revoked', { grantId: 'g1', reason: 'x' }, () => 0);
      const scope = { invocationId: 'inv-1', info: (m: unknown) => void lines.push(String(m)), warn: () => {} };
      runInInvocation(scope, () => audit('client.revoked', { clientId: 'c1', actor: 'admin', reason: 'r'.repeat(500) }, () => 0));
    } finally {
      off();
    }
    expect(seen[0]).toEqual({ event: 'grant.revoked', at: '1970-01-01T00:00:00.000Z', grantId: 'g1', reason: 'x', correlationId: undefined });
    expect(seen[1]).toMatchObject({ event: 'client.revoked', correlationId: 'inv-1' });
    expect(seen[1]!.reason!.length).toBeLessThanOrEqual(201);
    expect(lines).toEqual([`audit ${JSON.stringify(seen[1])}`]);
  });
});

/** The real flow on the local stack: each decision leaves its record, with ids only. */
describe('audit trail of a session', () => {
  let stack: LocalStack;
  const logged: string[] = [];
  const records: AuditRecord[] = [];
  let off: () => void;
  const exporter = new InMemorySpanExporter();
  beforeAll(async () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    off = onAudit((r) => records.push(r));
    stack = await startLocalStack({ gatewayPort: 0, log: (level, message) => logged.push(`[${level}] ${message}`) });
  }, 60_000);
  afterAll(async () => {
    off?.();
    await stack?.close();
  });

  const token = (params: Record<string, string>) =>
    fetch(`${stack.urls.gateway}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params),
    });
  const callTool = (accessToken: string, name: string, clientId = 'x') =>
    fetch(stack.urls.mcp, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: { client_id: clientId } } }),
    });

  test('registration, consent, grant, step-up refusal, refresh reuse and revocation; no secret in any record', async () => {
    const jar = new CookieJar();
    const trace: BrowserTrace = { urls: [], consentShown: false };
    // Least privilege (`mcp:tools` only), so an admin tool needs a step-up. An administrator: the gateway
    // answers a step-up only when a new sign-in could grant the scope (src/authz/entitlement.ts).
    const provider = new MemoryOAuthProvider(CLIENT_REDIRECT, { ...clientMetadata(CLIENT_REDIRECT, 'none'), scope: 'mcp:tools' });
    const serverUrl = stack.urls.mcp;
    expect(await auth(provider, { serverUrl, scope: 'mcp:tools' })).toBe('REDIRECT');
    const redirect = await signInThroughBrowser(jar, provider.authorizationUrl!.toString(), trace, ADMIN.username);
    const code = redirect.searchParams.get('code')!;
    expect(await auth(provider, { serverUrl, authorizationCode: code })).toBe('AUTHORIZED');
    const first = provider.saved as OAuthTokens;
    const clientId = provider.information!.client_id;

    const refused = await callTool(first.access_token, 'revoke_client');
    await refused.body?.cancel();
    expect(refused.status).toBe(403);

    // Two refreshes: once the second refresh token has been used, the first one is superseded.
    expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
    const second = provider.saved as OAuthTokens;
    expect(await auth(provider, { serverUrl })).toBe('AUTHORIZED');
    const reuse = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: clientId });
    expect(reuse.status).toBe(400);

    // An administrator revokes the client.
    const admin = new MemoryOAuthProvider(CLIENT_REDIRECT, clientMetadata(CLIENT_REDIRECT, 'none'));
    expect(await auth(admin, { serverUrl })).toBe('REDIRECT');
    const adminRedirect = await signInThroughBrowser(jar, admin.authorizationUrl!.toString(), trace, ADMIN.username);
    expect(await auth(admin, { serverUrl, authorizationCode: adminRedirect.searchParams.get('code')! })).toBe('AUTHORIZED');
    const revoked = await callTool((admin.saved as OAuthTokens).access_token, 'revoke_client', clientId);
    expect(await revoked.text()).toContain(`Revoked MCP client ${clientId}`);

    const events = records.map((r) => r.event);
    expect(events).toEqual([
      'client.registered',
      'consent.given',
      'grant.created',
      'step_up.refused',
      'refresh.reuse_detected',
      'grant.revoked',
      'client.registered',
      'consent.given',
      'grant.created',
      'client.revoked',
    ]);
    expect(records.at(-1)).toMatchObject({ event: 'client.revoked', clientId, actor: ADMIN.oid, count: 0 });
    const byEvent = Object.fromEntries(records.slice(0, 6).map((r) => [r.event, r]));
    expect(byEvent['client.registered']).toMatchObject({ clientId });
    expect(byEvent['grant.created']).toMatchObject({ userId: ADMIN.oid, clientId, grantId: expect.any(String) });
    const grantId = byEvent['grant.created']!.grantId;
    expect(byEvent['step_up.refused']).toMatchObject({ userId: ADMIN.oid, clientId, tools: ['revoke_client'], scopes: ['mcp:admin'] });
    expect(byEvent['refresh.reuse_detected']).toMatchObject({ userId: ADMIN.oid, clientId, grantId });
    expect(byEvent['grant.revoked']).toMatchObject({ grantId, reason: 'refresh token reuse' });

    // Every record names the invocation that decided, and that invocation's log holds the same line.
    const everything = logged.join('\n');
    // The refusal left its own line, with the reason and the same correlation id.
    expect(everything).toContain(`refused 403 insufficient_scope: The tool "revoke_client" needs the scope "mcp:admin"`);
    expect(everything).toMatch(new RegExp(`refused 403 insufficient_scope: .*\\(correlation id ${byEvent['step_up.refused']!.correlationId}\\)`));
    for (const record of records) {
      expect(record.correlationId).toEqual(expect.any(String));
      expect(everything).toContain(`audit ${JSON.stringify(record)}`);
    }

    const secrets = [
      code,
      adminRedirect.searchParams.get('code')!,
      (admin.saved as OAuthTokens).access_token,
      first.access_token,
      first.refresh_token!,
      second.access_token,
      second.refresh_token!,
      provider.verifier!,
      ...jar.seenValues,
    ];
    for (const url of trace.urls) for (const name of ['code', 'state']) secrets.push(new URL(url).searchParams.get(name) ?? '');
    secrets.push(stack.env.COOKIE_SECRET!, stack.env.MCP_EXTENSION_KEY!);
    const text = JSON.stringify(records);
    expect(secrets.filter((s) => s.length >= 16 && text.includes(s))).toEqual([]);

    // The same story as spans: one per invocation, the decisions as events, and no secret in any attribute.
    const spans = exporter.getFinishedSpans();
    const callback = spans.find((s) => s.name === 'gateway callback' && s.attributes['gateway.client_id'] === clientId);
    expect(callback?.events.map((e) => e.name)).toEqual(['audit grant.created']);
    expect(callback?.attributes['faas.invocation_id']).toBe(byEvent['grant.created']!.correlationId);
    const refusedSpan = spans.find((s) => s.events.some((e) => e.name === 'audit step_up.refused'));
    expect(refusedSpan?.attributes).toMatchObject({ 'gateway.outcome': 'refused', 'http.response.status_code': 403, 'gateway.tools': ['revoke_client'] });
    const spanText = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })));
    expect(secrets.filter((s) => s.length >= 16 && spanText.includes(s))).toEqual([]);
  });
});
