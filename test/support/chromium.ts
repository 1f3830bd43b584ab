// A real Chromium for the browser tests: Debian's /usr/bin/chromium (installed by .ci/browser-deps.sh),
// driven by playwright-core, never a downloaded browser. The flags keep it off the network (no Google
// services, no component updates, no QUIC) and out of any desktop; each run gets a fresh profile.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh user-data-dir (removed on close). */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `test-artifacts/` at the repository root (git-ignored): screenshots a failing run leaves behind. */
export function artifactsDir(): string {
  const dir = fileURLToPath(new URL('../../../test-artifacts/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}
