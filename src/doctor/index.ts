import { checkCosmos } from './cosmos.js';
import { checkCredential, checkDiscovery } from './entra.js';
import { checkExtension } from './extension.js';
import { checkGateway } from './gateway.js';
import { checkManagedIdentity } from './managed-identity.js';
import { checkRegistration } from './registration.js';
import { checkSettings } from './settings.js';
import type { CheckResult, DoctorContext } from './types.js';

export type { CheckResult } from './types.js';

/**
 * Checks a configuration against the services it names, in dependency order (the managed identity
 * before the credential that uses it, the credential before Graph). Every check runs even when an
 * earlier one failed, unless it needs what that one would have provided; it then says so.
 */
export async function runDoctor(env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const settings = checkSettings(env);
  if (!settings.config) return [settings.result];
  const ctx: DoctorContext = { config: settings.config, env };
  const results: CheckResult[] = [settings.result];
  results.push(await checkGateway(ctx));
  results.push(await checkDiscovery(ctx));
  results.push(await checkManagedIdentity(ctx));
  results.push(await checkCredential(ctx));
  results.push(...(await checkRegistration(ctx)));
  results.push(await checkCosmos(ctx));
  results.push(await checkExtension(ctx));
  return results;
}

export const passed = (results: CheckResult[]) => results.every((r) => r.status !== 'fail');

/** The report: one line per check, then the fix under a failure. */
export function formatReport(results: CheckResult[]): string {
  const lines = results.map((r) => {
    const head = `${{ ok: 'OK  ', fail: 'FAIL', skip: 'SKIP' }[r.status]}  ${r.name}: ${r.detail}`;
    return r.fix ? `${head}\n      Fix: ${r.fix}` : head;
  });
  const failed = results.filter((r) => r.status === 'fail').length;
  lines.push('', failed === 0 ? 'Every check passed.' : `${failed} check(s) failed.`);
  return lines.join('\n');
}
