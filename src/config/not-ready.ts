import { ConfigError } from './errors.js';

/** Why the gateway cannot serve, said once for the operator's log and once for anyone who calls it. */
export interface NotReady {
  /** The settings to fix (empty when the failure was not a setting's). */
  settings: string[];
  /** For the log: every problem with its fix. Never a setting's value. */
  log: string;
  /** For the 503 body: which settings, not how they are wrong. */
  description: string;
}

/** Seconds a client is told to wait (`Retry-After`): about what an App Service restart takes. */
export const NOT_READY_RETRY_AFTER_SECONDS = 30;

/**
 * Describes a start-up failure of the gateway (`loadConfig` or `buildDeps` threw). The app settings reach
 * a Functions worker only when it starts, so the gateway recovers by being restarted with them fixed: App
 * Service restarts the app itself whenever a setting changes, and `az functionapp restart` re-resolves Key
 * Vault references.
 */
export function describeNotReady(error: unknown): NotReady {
  const restart =
    'The app reads its settings when it starts: once they are fixed, restart it (App Service restarts it by itself when a setting changes; ' +
    'Key Vault references are resolved again on a restart). Until then every route answers 503.';
  if (error instanceof ConfigError) {
    const settings = [...new Set(error.problems.map((p) => p.setting))];
    return {
      settings,
      log: `Entra MCP Gateway: the configuration is not ready.\n${error.problems.map((p) => `  - ${p.setting}: ${p.message}`).join('\n')}\n${restart}`,
      description: `The gateway's configuration is not ready (${settings.join(', ')}). The operator's log says what to change; try again later.`,
    };
  }
  // Not a setting's fault as far as we know; its message only (a stack adds nothing the operator can act on).
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    settings: [],
    log: `Entra MCP Gateway: could not start (${what}).\n${restart}`,
    description: "The gateway could not start. The operator's log says why; try again later.",
  };
}
