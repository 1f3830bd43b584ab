import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root: compiled tests run from dist/test/infra. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const repoPath = (...segments: string[]) => path.join(repoRoot, ...segments);

export const readRepoFile = (...segments: string[]) => readFileSync(repoPath(...segments), 'utf8');
