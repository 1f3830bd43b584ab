// The "browser" a desktop MCP client opens. `installBrowserLauncher` puts it on a child's PATH as
// `xdg-open` and in `BROWSER` (the `open` package runs its bundled xdg-open script, which honours
// BROWSER; its fallbacks look xdg-open up on PATH). Run with the authorization URL, it signs in and
// approves consent over HTTP, then visits the client's own redirect URI, as a browser would.
import { appendFileSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authorizeInBrowser } from './browser-flow.js';

const SELF = fileURLToPath(import.meta.url);

/** Environment variables the launcher reads. */
export const LAUNCHER_LOG = 'E2E_BROWSER_LOG';
export const LAUNCHER_USER = 'E2E_BROWSER_USER';

/**
 * Writes `xdg-open` (and the same script as `signin-browser`) into `dir`; returns the variables that
 * make a child process open URLs with it. DISPLAY and friends are cleared so that xdg-open takes its
 * generic path (BROWSER) rather than a desktop's.
 */
export function installBrowserLauncher(dir: string, logFile: string, username = 'adele@contoso.test'): Record<string, string> {
  const script = `#!/bin/sh\nexec "${process.execPath}" "${SELF}" "$@"\n`;
  for (const name of ['xdg-open', 'signin-browser']) {
    writeFileSync(join(dir, name), script);
    chmodSync(join(dir, name), 0o755);
  }
  return {
    PATH: `${dir}:${process.env.PATH ?? ''}`,
    BROWSER: join(dir, 'signin-browser'),
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
    XDG_CURRENT_DESKTOP: '',
    DESKTOP_SESSION: '',
    [LAUNCHER_LOG]: logFile,
    [LAUNCHER_USER]: username,
  };
}

/** Run as a program: `signin-browser <authorization URL>`. */
async function main(url: string): Promise<void> {
  const log = (line: string) => {
    const file = process.env[LAUNCHER_LOG];
    if (file) appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
  };
  log(`open ${new URL(url).origin}${new URL(url).pathname}`);
  try {
    const flow = await authorizeInBrowser(url, { username: process.env[LAUNCHER_USER] || undefined });
    log(`consent page shown: ${flow.consentHtml !== undefined}`);
    // The client's loopback listener: deliver code, state and iss as the browser would.
    const delivered = await fetch(flow.redirect, { redirect: 'manual' });
    log(`redirect ${flow.redirect.origin}${flow.redirect.pathname} answered ${delivered.status}`);
    await delivered.body?.cancel();
  } catch (err) {
    log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] === SELF && process.argv[2]) await main(process.argv[2]);
