import type { Config } from '../config/index.js';

/** One line of the report: OK, or what is wrong and the exact fix; SKIP says why it could not run. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'fail' | 'skip';
  /** What was found (OK), what is wrong (FAIL) or why it did not run (SKIP). Never a secret. */
  detail: string;
  fix?: string;
  /** The AADSTS number when Entra refused. */
  aadsts?: string;
}

export const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
export const fail = (name: string, detail: string, fix: string, aadsts?: string): CheckResult => ({
  name,
  status: 'fail',
  detail,
  fix,
  ...(aadsts ? { aadsts } : {}),
});
export const skip = (name: string, detail: string): CheckResult => ({ name, status: 'skip', detail });

/** What the checks share: the configuration, and what earlier checks learned. */
export interface DoctorContext {
  config: Config;
  env: NodeJS.ProcessEnv;
  /** The managed identity's federated-credential assertion claims (iss, sub, aud), from its check. */
  managedIdentityClaims?: { iss: string; sub: string; aud: string };
  /** An app-only Graph token obtained with the gateway's own credential (never printed). */
  graphToken?: string;
}

/** A network failure's cause in one line ("ECONNREFUSED", "fetch failed: …"). */
export function reason(err: unknown): string {
  const e = err as { cause?: { code?: string; message?: string }; message?: string; code?: string };
  return e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
}
