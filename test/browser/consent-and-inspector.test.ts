// A real browser (Debian's Chromium through playwright-core) on the pages people see: the gateway's
// consent page and the Entra emulator's sign-in page; then MCP Inspector, run from node_modules, connecting
// over SSE and over streamable HTTP, completing OAuth in the browser, listing tools and running
// get_graph_user_details. Screenshots go to test-artifacts/ (copies for the README in docs/screenshots/).
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { artifactsDir, launchChromium, type Browser } from '../support/chromium.js';
import { startInspector, type InspectorProcess } from '../support/inspector-process.js';
import { authorizationUrl, discover, register, tokenRequest } from '../support/oauth-client.js';
import { PROFILE_TOOL } from '../support/mcp-session.js';
import { startStackProcess, type StackProcess } from '../support/stack-process.js';

const TIMEOUT = 180_000;

async function signInAtEntra(page: Page): Promise<void> {
  await page.waitForSelector('input[name="password"]');
  await page.fill('input[name="username"]', 'adele@contoso.test');
  await page.fill('input[name="password"]', 'Passw0rd!');
  await page.click('button[type="submit"]');
}

/** One step of the landing page's Inspector instructions (its `data-*` attributes), done in Inspector's UI. */
async function followStep(page: Page, step: Record<string, string | undefined>, inspectorOrigin: string): Promise<void> {
  switch (step.do) {
    case 'choose':
      await page.getByLabel(step.label!, { exact: true }).click();
      await page.getByRole('option', { name: step.value!, exact: true }).click();
      return;
    case 'fill':
      await page.getByLabel(step.label!, { exact: true }).fill(step.value!);
      return;
    case 'click': {
      const target =
        step.role === 'text'
          ? page.getByText(step.name!, { exact: true }).first()
          : page.getByRole(step.role as 'button' | 'tab', { name: step.name!, exact: true });
      await target.click({ timeout: 30_000 });
      return;
    }
    case 'sign-in':
      // The gateway's consent page names the Inspector and its origin; then Entra's sign-in form.
      await page.waitForURL((url) => url.pathname === '/authorize', { timeout: 30_000 });
      await expect(page.locator('h1').textContent()).resolves.toContain('MCP Inspector');
      await expect(page.locator('.host').textContent()).resolves.toContain(new URL(inspectorOrigin).host);
      await page.click('button[value="approve"]');
      await signInAtEntra(page);
      // Back at the Inspector's callback, which redeems the code (in the browser, CORS).
      await page.waitForURL((url) => url.origin === inspectorOrigin, { timeout: 30_000 });
      await page
        .getByText(/Authentication complete|Connected/)
        .first()
        .waitFor({ timeout: 30_000 });
      return;
    default:
      throw new Error(`the landing page has a step this test does not know: ${JSON.stringify(step)}`);
  }
}

describe('browser: consent page, Entra sign-in page and MCP Inspector in Chromium', () => {
  let stack: StackProcess;
  let browser: Browser;
  const artifacts = artifactsDir();
  beforeAll(async () => {
    stack = await startStackProcess();
    browser = await launchChromium();
  }, TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  describe('the consent page, the sign-in page and the account page', () => {
    let client: Server;
    let redirectUri = '';
    beforeAll(async () => {
      // The client's loopback redirect, so the browser lands on a real page at the end.
      client = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Signed in. You can close this window.</h1>'));
      await new Promise<void>((resolve) => client.listen(0, '127.0.0.1', () => resolve()));
      const address = client.address();
      redirectUri = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/callback`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    });
    /** A public client that registers as MCP clients do, with the loopback redirect above. */
    async function registerClient(name: string) {
      const discovery = await discover(stack.mcpUrl);
      const registered = await register(discovery.registrationEndpoint, {
        client_name: name,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      });
      return { discovery, registered };
    }

    test(
      'show who asks and where the browser goes back; approve, sign in, and the client gets code, state and iss',
      async () => {
        const { discovery, registered } = await registerClient('Claude Code (entra-gateway)');
        const request = authorizationUrl(discovery.authorizationEndpoint, String(registered.json.client_id), redirectUri, {
          scope: discovery.challengeScope,
          resource: discovery.resource,
        });
        const page = await browser.context.newPage();
        try {
          await page.goto(request.url);
          const title = page.locator('h1');
          await expect(title.textContent()).resolves.toContain('Claude Code (entra-gateway)');
          await expect(page.locator('.host').textContent()).resolves.toContain(new URL(redirectUri).host);
          await page.screenshot({ path: join(artifacts, 'consent-page.png'), fullPage: true });
          // A self-registered client's name is not verified: Enter must not approve.
          await expect(
            page.evaluate(() =>
              (
                globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }
              ).document.activeElement?.getAttribute('value'),
            ),
          ).resolves.toBe('deny');

          await page.click('button[value="approve"]');
          await page.waitForSelector('input[name="password"]');
          await page.screenshot({ path: join(artifacts, 'entra-sign-in.png'), fullPage: true });
          await signInAtEntra(page);
          await page.waitForURL((url) => url.href.startsWith(redirectUri), { timeout: 30_000 });
          const landed = new URL(page.url());
          expect(landed.searchParams.get('code')).toBeTruthy();
          expect(landed.searchParams.get('state')).toBe(request.state);
          expect(landed.searchParams.get('iss')).toBe(stack.baseUrl);
        } finally {
          await page.close();
        }
      },
      TIMEOUT,
    );

    test(
      'sign in with Entra, see the connected client (name, redirect host, first and last use), revoke it: its refresh token stops working',
      async () => {
        const { discovery, registered } = await registerClient('Account Page Test Client');
        const clientId = String(registered.json.client_id);
        const request = authorizationUrl(discovery.authorizationEndpoint, clientId, redirectUri, {
          scope: discovery.challengeScope,
          resource: discovery.resource,
        });
        const page = await browser.context.newPage();
        try {
          await page.goto(request.url);
          await page.click('button[value="approve"]');
          await signInAtEntra(page);
          await page.waitForURL((url) => url.href.startsWith(redirectUri), { timeout: 30_000 });
          const code = new URL(page.url()).searchParams.get('code')!;
          const tokenEndpoint = `${stack.baseUrl}/token`;
          const tokens = await tokenRequest(tokenEndpoint, {
            grant_type: 'authorization_code',
            code,
            client_id: clientId,
            redirect_uri: redirectUri,
            code_verifier: request.verifier,
          });
          expect(tokens.status).toBe(200);

          // The account page signs the user in through the gateway's own app, then lists the client.
          await page.goto(`${stack.baseUrl}/account`);
          await signInAtEntra(page);
          await page.waitForURL(`${stack.baseUrl}/account`, { timeout: 30_000 });
          const entry = page.locator('li.client', { hasText: 'Account Page Test Client' });
          await expect(entry.locator('.redirect-host').textContent()).resolves.toBe(new URL(redirectUri).host);
          await expect(entry.textContent()).resolves.toMatch(/First signed in: \d{4}-\d\d-\d\d \d\d:\d\d UTC; last active: /);
          await page.screenshot({ path: join(artifacts, 'account-page.png'), fullPage: true });

          await entry.getByRole('button', { name: 'Revoke Account Page Test Client' }).click();
          await page.getByRole('status').waitFor({ timeout: 30_000 });
          await expect(page.locator('li.client', { hasText: 'Account Page Test Client' }).count()).resolves.toBe(0);
          const refreshed = await tokenRequest(tokenEndpoint, {
            grant_type: 'refresh_token',
            refresh_token: String(tokens.json.refresh_token),
            client_id: clientId,
          });
          expect(refreshed.json.error).toBe('invalid_grant');
        } finally {
          await page.close();
        }
      },
      TIMEOUT,
    );
  });

  describe('MCP Inspector', () => {
    let inspector: InspectorProcess;
    beforeAll(async () => {
      inspector = await startInspector();
    }, TIMEOUT);
    afterAll(async () => {
      await inspector?.stop();
    });

    // The landing page's own steps, read from the page and followed literally: choose the transport, fill
    // the URL, press what it says to press (for streamable HTTP: "Open Auth Settings" → "Quick OAuth Flow"
    // before "Connect", since Inspector 0.15's proxy reports the first 401 as a connection error).
    for (const [transport, label] of [
      ['sse', 'SSE'],
      ['streamable-http', 'streamable HTTP'],
    ] as const) {
      test.each([[transport, label]])(
        "over %s: the landing page's steps, literally, end with the profile from get_graph_user_details",
        async (transport, label) => {
          const page = await browser.context.newPage();
          const shot = (name: string) => page.screenshot({ path: join(artifacts, `inspector-${transport}-${name}.png`), fullPage: true });
          const done: string[] = [];
          try {
            await page.goto(`${stack.baseUrl}/`);
            if (transport === 'sse') await page.screenshot({ path: join(artifacts, 'landing-page.png'), fullPage: true });
            const steps = await page
              .locator(`ol[data-transport="${transport}"] > li`)
              .evaluateAll((items) => items.map((li) => ({ ...(li as unknown as { dataset: Record<string, string> }).dataset })));
            expect(steps.map((step) => step.name)).toContain(PROFILE_TOOL);

            // "open the address it prints": the proxy token only, nothing pre-filled.
            await page.goto(inspector.tokenUrl());
            for (const step of steps) {
              await followStep(page, step, inspector.origin);
              done.push(JSON.stringify(step));
            }
            await page.getByText('Adele Vance').first().waitFor({ timeout: 30_000 });
            await shot('result');
          } catch (err) {
            await shot('failure').catch(() => {});
            throw new Error(
              `${label}: ${err instanceof Error ? err.message : String(err)}\nSteps done: ${done.join(' ')}\nInspector output (tail):\n${inspector
                .output()
                .slice(-3000)
                .replace(/Bearer [^"\s]+/g, 'Bearer …')}`,
            );
          } finally {
            await page.close();
          }
        },
        TIMEOUT,
      );
    }
  });
});
