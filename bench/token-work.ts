import { randomBytes } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { createAccessTokenCodec } from '../src/oauth/tokens/access-token.js';
import { merge, pairedRatio, runConcurrent, summarise, table, type PairedRatio, type Sample } from './stats.js';

export interface TokenOptions {
  warmup: number;
  measure: number;
  rounds: number;
}

export const TOKEN_DEFAULTS: TokenOptions = { warmup: 1000, measure: 10_000, rounds: 10 };

export interface TokenResult {
  report: string;
  /** Codec operations per second as a fraction of plain jose's. */
  verifyRatio: PairedRatio;
  issueRatio: PairedRatio;
}

/**
 * `AccessTokenCodec.verify` (JWE decrypt plus the claim checks) against a bare jose `compactDecrypt` of
 * the same token, and `AccessTokenCodec.issue` against a bare jose `CompactEncrypt` of the same claims.
 * CPU only, one at a time, with a fresh key (no stack involved).
 */
export async function benchTokens(options: TokenOptions = TOKEN_DEFAULTS): Promise<TokenResult> {
  const key = new Uint8Array(randomBytes(32));
  const codec = createAccessTokenCodec({
    keyRing: [{ kid: 'k1', key }],
    issuer: 'http://localhost:7071',
    audience: 'http://localhost:7071/mcp',
    ttlSeconds: 3600,
  });
  const input = {
    sub: 'aaaaaaaa-0000-4000-8000-000000000001',
    tid: '00000000-0000-4000-8000-000000000001',
    clientId: 'bench-client',
    grantId: crypto.randomUUID(),
    scopes: ['mcp:tools'],
    grantKey: new Uint8Array(randomBytes(32)),
  };
  const { token, claims } = await codec.issue(input, Date.now());
  const plaintext = new TextEncoder().encode(JSON.stringify({ ...claims, gk: Buffer.from(input.grantKey).toString('base64url') }));
  const header = { alg: 'dir', enc: 'A256GCM', kid: 'k1', typ: 'at+jwt' };

  const subjects = {
    'jose compactDecrypt (baseline)': async () => void (await compactDecrypt(token, key)),
    'AccessTokenCodec.verify': async () => void (await codec.verify(token, Date.now())),
    'jose CompactEncrypt (baseline)': async () => void (await new CompactEncrypt(plaintext).setProtectedHeader(header).encrypt(key)),
    'AccessTokenCodec.issue': async () => void (await codec.issue(input, Date.now())),
  };
  const samples = new Map<string, Sample[]>();
  for (const fn of Object.values(subjects)) await runConcurrent(options.warmup, 1, fn);
  const perRound = Math.ceil(options.measure / options.rounds);
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, fn] of Object.entries(subjects)) {
      samples.set(name, [...(samples.get(name) ?? []), await runConcurrent(perRound, 1, fn)]);
    }
  }
  const s = (name: keyof typeof subjects) => summarise(merge(samples.get(name)!));
  const ratio = (name: keyof typeof subjects, baseline: keyof typeof subjects) => pairedRatio(samples.get(name)!, samples.get(baseline)!, (x) => x.perSecond);
  const rows = (Object.keys(subjects) as (keyof typeof subjects)[]).map((name) => {
    const x = s(name);
    return [name, x.count, x.perSecond, x.p50 * 1000, x.p99 * 1000];
  });
  return {
    report: table([['operation', 'ops', 'ops/s', 'p50 µs', 'p99 µs'], ...rows]),
    verifyRatio: ratio('AccessTokenCodec.verify', 'jose compactDecrypt (baseline)'),
    issueRatio: ratio('AccessTokenCodec.issue', 'jose CompactEncrypt (baseline)'),
  };
}
