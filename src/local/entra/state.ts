import { randomBytes } from 'node:crypto';
import type { Platform } from './apps.js';
import type { SignInSession } from './conditional-access.js';

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
  /** Seconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
}

/** An interactive sign-in between its steps (password done; second factor or consent to go). */
export interface SignInProgress {
  userOid: string;
  /** The client of the authorize request it belongs to: a ticket posted to another request is refused. */
  clientId: string;
  mfa: boolean;
  /** The step the page on screen asks for. */
  awaiting: 'mfa' | 'consent';
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

export interface SavedGrants {
  refreshTokens: [string, RefreshRecord][];
  sessions: [string, SignInSession][];
  userConsents: [string, string[]][];
}

/**
 * In-memory grants. Codes live 10 minutes and are single-use. Refresh tokens are opaque handles; Entra
 * returns a new one on every refresh but, unlike the gateway's own tokens, does not revoke the old one
 * (it stays valid until it expires), and the emulator does the same.
 */
export class GrantStore {
  private readonly codes = new Map<string, CodeRecord>();
  private readonly refreshTokens = new Map<string, RefreshRecord>();
  private readonly sessions = new Map<string, SignInSession>();
  private readonly progress = new Map<string, SignInProgress>();
  /** Scopes a user consented to for a client, by `userOid|clientAppId|resourceAppId`. */
  private readonly userConsents = new Map<string, Set<string>>();

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

  issueRefreshToken(record: Omit<RefreshRecord, 'expiresAt' | 'issuedAt'>): string {
    const token = `1.${handle(96)}`;
    this.refreshTokens.set(token, { ...record, issuedAt: this.now(), expiresAt: this.now() + this.refreshLifetime });
    return token;
  }

  /** The record; `expired` is set when it lapsed (the caller answers AADSTS700082). */
  findRefreshToken(token: string): { record: RefreshRecord; expired: boolean } | undefined {
    const record = this.refreshTokens.get(token);
    if (!record) return undefined;
    return { record, expired: this.now() >= record.expiresAt };
  }

  startSession(sid: string, session: SignInSession): void {
    this.sessions.set(sid, session);
  }

  session(sid: string | undefined): SignInSession | undefined {
    return sid ? this.sessions.get(sid) : undefined;
  }

  /** Keeps a sign-in between steps for 10 minutes under a random ticket (the page's hidden field). */
  saveProgress(progress: Omit<SignInProgress, 'expiresAt'>): string {
    const ticket = handle(24);
    this.progress.set(ticket, { ...progress, expiresAt: this.now() + 600 });
    return ticket;
  }

  /** Single use: a ticket answers one form post. */
  takeProgress(ticket: string): SignInProgress | undefined {
    const found = this.progress.get(ticket);
    this.progress.delete(ticket);
    return found && this.now() < found.expiresAt ? found : undefined;
  }

  /** What outlives a restart of `npm start`: refresh tokens, sign-in sessions and users' consents (not codes or sign-ins in progress). */
  save(): SavedGrants {
    return {
      refreshTokens: [...this.refreshTokens],
      sessions: [...this.sessions],
      userConsents: [...this.userConsents].map(([key, scopes]) => [key, [...scopes]]),
    };
  }

  restore(saved: SavedGrants): void {
    for (const [token, record] of saved.refreshTokens) this.refreshTokens.set(token, record);
    for (const [sid, session] of saved.sessions) this.sessions.set(sid, session);
    for (const [key, scopes] of saved.userConsents) this.userConsents.set(key, new Set(scopes));
  }

  recordUserConsent(userOid: string, clientAppId: string, resourceAppId: string, scopes: string[]): void {
    const key = `${userOid}|${clientAppId}|${resourceAppId}`.toLowerCase();
    const set = this.userConsents.get(key) ?? new Set<string>();
    for (const s of scopes) set.add(s.toLowerCase());
    this.userConsents.set(key, set);
  }

  userConsentedScopes(userOid: string, clientAppId: string, resourceAppId: string): string[] {
    return [...(this.userConsents.get(`${userOid}|${clientAppId}|${resourceAppId}`.toLowerCase()) ?? [])];
  }
}
