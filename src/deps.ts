import type { Config } from './config/index.js';

/**
 * Everything the functions need, built once from the configuration at start-up and passed in, so a
 * test builds the same object against the local stack. Later parts (stores, Entra client, token
 * crypto) are added here as fields.
 */
export interface Deps {
  config: Config;
}

export function buildDeps(config: Config): Deps {
  return { config };
}
