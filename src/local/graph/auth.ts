import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { GRAPH_APP_ID } from '../defaults.js';
import { InvalidAuthenticationTokenError } from './errors.js';
import { onceSucceeded } from '../../lib/once.js';

/** The audiences Entra puts in a Graph token, depending on how the scope was asked (URI, with or without the slash, or app id). */
export const GRAPH_AUDIENCES = ['https://graph.microsoft.com', 'https://graph.microsoft.com/', GRAPH_APP_ID] as const;

/** Which Entra the Graph emulator trusts: the Entra emulator (found by discovery), or explicit values. */
export type TrustedIssuer = { url: string; tenantId: string } | { issuer: string | string[]; jwksUri: string; tenantId?: string };

export interface GraphCaller {
  oid: string;
  tid: string;
  /** Delegated scopes (`scp`); empty for app-only tokens. */
  scopes: string[];
  /** App roles (`roles`) of an app-only token. */
  roles: string[];
}

interface Trust {
  issuers: string[];
  jwks: ReturnType<typeof createRemoteJWKSet>;
  tenantId?: string;
}

/**
 * Verifies bearer tokens the way Graph does: RS256 signed by the trusted Entra's keys, issuer, Graph
 * audience, lifetime. Discovery runs on first use (so the Entra emulator may start after us) and is
 * retried after a failure. `now` is the emulator's clock: tests move it to see expiry on real tokens.
 */
export function createTokenVerifier(trusted: TrustedIssuer, authorizationUri: string, now: () => Date) {
  const fail = (message: string) => new InvalidAuthenticationTokenError(message, authorizationUri);

  async function resolveTrust(): Promise<Trust> {
    // The JWKS cooldown is off: the Entra emulator rotates its signing key in tests, and this is loopback.
    const jwksOptions = { cooldownDuration: 0, timeoutDuration: 5000 };
    if ('jwksUri' in trusted) {
      const issuers = Array.isArray(trusted.issuer) ? trusted.issuer : [trusted.issuer];
      return { issuers, jwks: createRemoteJWKSet(new URL(trusted.jwksUri), jwksOptions), tenantId: trusted.tenantId };
    }
    const base = `${trusted.url.replace(/\/+$/, '')}/${trusted.tenantId}`;
    const v2 = await fetchDiscovery(`${base}/v2.0/.well-known/openid-configuration`);
    if (!v2) throw new Error(`Entra discovery failed at ${base}/v2.0/.well-known/openid-configuration`);
    // Graph tokens are v1 tokens in Entra (Graph does not ask for v2), so the v1 issuer is trusted too.
    const v1 = await fetchDiscovery(`${base}/.well-known/openid-configuration`);
    const issuers = [v2.issuer, ...(v1 ? [v1.issuer] : []), `https://sts.windows.net/${trusted.tenantId}/`];
    return { issuers, jwks: createRemoteJWKSet(new URL(v2.jwks_uri), jwksOptions), tenantId: trusted.tenantId };
  }
  const trust = onceSucceeded(resolveTrust);

  return async function verify(authorization: string | undefined): Promise<GraphCaller> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) throw fail('Access token is empty.');
    const { issuers, jwks, tenantId } = await trust();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], jwks, {
        algorithms: ['RS256'],
        issuer: issuers,
        audience: [...GRAPH_AUDIENCES],
        currentDate: now(),
        clockTolerance: 300, // Entra's and Graph's five minutes of clock skew
        requiredClaims: ['exp', 'oid', 'tid'],
      }));
    } catch (err) {
      throw fail(messageFor(err));
    }
    if (tenantId && payload.tid !== tenantId) throw fail('Access token validation failure. Invalid tenant.');
    return {
      oid: String(payload.oid),
      tid: String(payload.tid),
      scopes: typeof payload.scp === 'string' ? payload.scp.split(' ').filter(Boolean) : [],
      roles: Array.isArray(payload.roles) ? payload.roles.map(String) : [],
    };
  };
}

async function fetchDiscovery(url: string): Promise<{ issuer: string; jwks_uri: string } | undefined> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) return undefined;
  const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof doc.issuer !== 'string' || typeof doc.jwks_uri !== 'string') return undefined;
  return { issuer: doc.issuer, jwks_uri: doc.jwks_uri };
}

/** Graph's messages for each way a token fails (never the token itself). */
function messageFor(err: unknown): string {
  const code = (err as { code?: string }).code;
  const claim = (err as { claim?: string }).claim;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'Lifetime validation failed, the token is expired.';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'aud') return 'Access token validation failure. Invalid audience.';
      if (claim === 'iss') return 'Access token validation failure. Invalid issuer.';
      if (claim === 'nbf') return 'Lifetime validation failed, the token is not yet valid.';
      return 'Access token validation failure.';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'CompactToken parsing failed with error code: 80049217';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'Access token validation failure. Invalid signature.';
    default:
      return 'Access token validation failure.';
  }
}
