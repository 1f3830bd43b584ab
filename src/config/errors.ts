/** One thing wrong with one setting, phrased so the reader knows what to change. */
export interface ConfigProblem {
  setting: string;
  message: string;
}

/** Thrown at start-up when the configuration cannot run; lists every problem at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super('Invalid configuration:\n' + problems.map((p) => `  - ${p.setting}: ${p.message}`).join('\n'));
  }
}
