import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { fail, ok, type CheckResult } from './types.js';

/** Every setting parses (the same validation the app runs at start-up). */
export function checkSettings(env: NodeJS.ProcessEnv): { result: CheckResult; config?: Config } {
  try {
    const config = loadConfig(env);
    return { result: ok('Settings', `every setting parses (GATEWAY_MODE=${config.mode}, ENTRA_CREDENTIAL=${config.entra.credential})`), config };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { result: fail('Settings', err.message, 'correct each setting named above, then run doctor again.') };
  }
}
