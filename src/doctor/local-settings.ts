import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where `npm start` leaves the running stack's settings for `npm run doctor -- --local` (git-ignored,
 * owner-only, removed when the stack stops). They are local-only values generated for that run.
 */
export const LOCAL_STACK_SETTINGS = resolve('.local-stack.json');

export function writeLocalStackSettings(env: Record<string, string>, path = LOCAL_STACK_SETTINGS): () => void {
  writeFileSync(path, JSON.stringify(env, null, 2), { mode: 0o600 });
  return () => rmSync(path, { force: true });
}

export function readLocalStackSettings(path = LOCAL_STACK_SETTINGS): Record<string, string> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch {
    throw new Error(`No running local stack found (${path} is missing): start it with npm start, then run npm run doctor -- --local.`);
  }
}

/** `local.settings.json`'s Values, if the file exists (what `func start` would read). */
export function readFuncSettings(path = resolve('local.settings.json')): Record<string, string> {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as { Values?: Record<string, string> };
    return file.Values ?? {};
  } catch {
    return {};
  }
}
