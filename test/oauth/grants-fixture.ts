import { createGrantService, type GrantService, type GrantServiceOptions } from '../../src/oauth/grants.js';
import { createPkcePair } from '../../src/oauth/pkce.js';
import { createAccessTokenCodec } from '../../src/oauth/tokens/access-token.js';
import type { EntraTokenSet } from '../../src/oauth/tokens/entra-session.js';
import { createCosmosCodeStore } from '../../src/store/codes.js';
import { createCosmosGrantStore } from '../../src/store/grants.js';
import { createCosmosRefreshTokenStore } from '../../src/store/refresh-tokens.js';
import { startCosmosHarness, TestClock, type CosmosHarness } from './tokens/harness.js';
import { LOCAL_TENANT_ID, LOCAL_USERS } from '../../src/local/defaults.js';

export const CLIENT = 'client-1';
export const REDIRECT = 'http://127.0.0.1:33418/callback';
const [adele] = LOCAL_USERS;
/** The local stack's first user, as a grant holds it. */
export const USER = { oid: adele.oid, tid: LOCAL_TENANT_ID, name: adele.name, username: adele.username, roles: [...adele.roles], groups: [...adele.groups] };

/** The Entra client's refresh, recorded: each call answers with a new, numbered Entra token. */
export class UpstreamRecorder {
  calls: string[] = [];
  constructor(private readonly clock: TestClock) {}
  readonly refresh = async (entraRefreshToken: string): Promise<EntraTokenSet> => {
    this.calls.push(entraRefreshToken);
    return { accessToken: `entra-at-renewed-${this.calls.length}`, expiresOn: this.clock.nowMs + 3600_000 };
  };
}

export interface GrantsFixture {
  harness: CosmosHarness;
  clock: TestClock;
  upstream: UpstreamRecorder;
  /** A grant service on the shared stores: call twice to get two "instances" with separate caches. */
  service(overrides?: Partial<GrantServiceOptions>): GrantService;
  close(): Promise<void>;
}

export async function startGrantsFixture(): Promise<GrantsFixture> {
  const harness = await startCosmosHarness();
  const clock = new TestClock();
  const upstream = new UpstreamRecorder(clock);
  const { config, containers } = harness;
  const accessTokens = createAccessTokenCodec({
    keyRing: config.tokens.encryptionKeys,
    issuer: config.baseUrl,
    audience: config.mcpResource,
    ttlSeconds: config.tokens.accessTokenTtlSeconds,
  });
  return {
    harness,
    clock,
    upstream,
    service: (overrides = {}) =>
      createGrantService({
        grants: createCosmosGrantStore(containers.grants),
        codes: createCosmosCodeStore(containers.codes),
        refreshTokens: createCosmosRefreshTokenStore(containers.refreshTokens),
        accessTokens,
        refreshTokenTtlSeconds: config.tokens.refreshTokenTtlSeconds,
        refreshUpstream: upstream.refresh,
        now: clock.now,
        ...overrides,
      }),
    close: () => harness.close(),
  };
}

let signIns = 0;

/** What /callback does: a grant with (unique) Entra tokens, and a code bound to a fresh PKCE pair. */
export async function signIn(grants: GrantService, clock: TestClock, entraExpiresInMs = 3600_000) {
  signIns += 1;
  const pkce = await createPkcePair();
  const entra = { accessToken: `entra-at-${signIns}-secret`, expiresOn: clock.nowMs + entraExpiresInMs, refreshToken: `entra-rt-${signIns}-secret` };
  const created = await grants.createGrant({
    user: USER,
    clientId: CLIENT,
    scopes: ['mcp:tools', 'openid'],
    resource: 'http://localhost:7071/mcp',
    entra,
  });
  const code = await grants.issueCode(created, { redirectUri: REDIRECT, codeChallenge: pkce.codeChallenge });
  return { created, code, codeVerifier: pkce.codeVerifier, entra };
}

/** Sign in and redeem the code, as a client would. */
export async function signInAndRedeem(grants: GrantService, clock: TestClock, entraExpiresInMs?: number) {
  const flow = await signIn(grants, clock, entraExpiresInMs);
  const tokens = await grants.redeemCode(flow.code, { clientId: CLIENT, redirectUri: REDIRECT, codeVerifier: flow.codeVerifier });
  return { ...flow, tokens };
}

/** Resolves to the rejection, failing the test when the promise fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { errorCode?: string; description?: string }> {
  const outcome = await promise.then(
    () => ({ ok: true as const }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  if (outcome.ok) throw new Error('expected a rejection');
  return outcome.err as Error & { errorCode?: string; description?: string };
}

/** A grants fixture for one describe block: started before its tests, closed after them. */
export function useGrantsFixture(): { fx: GrantsFixture; grants: GrantService } {
  const state = {} as { fx: GrantsFixture; grants: GrantService };
  beforeAll(async () => {
    state.fx = await startGrantsFixture();
    state.grants = state.fx.service();
  });
  afterAll(() => state.fx.close());
  return state;
}
