import { randomBytes } from 'node:crypto';
import type { Platform } from './apps.js';

export interface CodeRecord {
  clientId: string;
  redirectUri: string;
  platform: Platform;
  userOid: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  nonce?: string;
  sid: string;
  expiresAt: number;
  redeemed: boolean;
}

export interface RefreshRecord {
  clientId: string;
  /** The platform of the original code: web grants keep needing the client's credentials. */
  platform: Platform;
  userOid: string;
  /** The scopes of the original grant; a refresh without `scope` asks for these again. */
  scope: string;
  sid: string;
  expiresAt: number;
}

/** What tests read to prove caching: requests by grant type, OBO exchanges, sign-ins, MI assertions. */
/** One token request as the emulator saw it: the grant and how the client authenticated (no values). */
export interface TokenRequestRecord {
  grantType: string;
  clientAuth: 'client_assertion' | 'client_secret' | 'none';
}

export interface EntraCounters {
  tokenRequests: Record<string, number>;
  /** Every token request in order, for tests that check which credential the gateway used. */
  tokenRequestLog: TokenRequestRecord[];
  oboRequests: number;
  authorizeRequests: number;
  signIns: number;
  managedIdentityTokens: number;
}

export function newCounters(): EntraCounters {
  return { tokenRequests: {}, tokenRequestLog: [], oboRequests: 0, authorizeRequests: 0, signIns: 0, managedIdentityTokens: 0 };
}

const handle = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * In-memory grants. Codes live 10 minutes and are single-use. Refresh tokens are opaque handles; Entra
 * returns a new one on every refresh but, unlike the gateway's own tokens, does not revoke the old one
 * (it stays valid until it expires), and the emulator does the same.
 */
export class GrantStore {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();

  constructor(
    private readonly now: () => number,
    private readonly refreshLifetime: number,
  ) {}

  issueCode(record: Omit<CodeRecord, 'expiresAt' | 'redeemed'>): string {
    const code = `1.${handle(48)}`;
    this.codes.set(code, { ...record, expiresAt: this.now() + 600, redeemed: false });
    return code;
  }

  /** Returns the record and marks it redeemed; the caller checks `redeemed` from before (returned). */
  takeCode(code: string): { record: CodeRecord; alreadyRedeemed: boolean } | undefined {
    const record = this.codes.get(code);
    if (!record) return undefined;
    const alreadyRedeemed = record.redeemed;
    record.redeemed = true;
    return { record, alreadyRedeemed };
  }

  codeExpired(record: CodeRecord): boolean {
    return this.now() >= record.expiresAt;
  }

  issueRefreshToken(record: Omit<RefreshRecord, 'expiresAt'>): string {
    const token = `1.${handle(96)}`;
    this.refreshTokens.set(token, { ...record, expiresAt: this.now() + this.refreshLifetime });
    return token;
  }

  findRefreshToken(token: string): RefreshRecord | 'expired' | undefined {
    const record = this.refreshTokens.get(token);
    if (!record) return undefined;
    return this.now() >= record.expiresAt ? 'expired' : record;
  }
}
