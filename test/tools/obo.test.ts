import { decodeJwt } from 'jose';
import { createConfidentialClient } from '../../src/entra/msal-client.js';
import { createOboClient, OboError, RENEW_BEFORE_MS } from '../../src/entra/obo.js';
import { graphScope } from '../../src/entra/graph.js';
import { GRAPH_APP_ID, LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../src/local/entra/index.js';
import { localConfig } from '../entra/helpers.js';
import { signIn } from '../local/graph/tokens.js';

const [ADELE, ADMIN] = LOCAL_USERS;

describe('OBO client: one MSAL client, results cached per user and scope', () => {
  let entra: EntraEmulator;
  let msal: Awaited<ReturnType<typeof createConfidentialClient>>;
  let clock: number;
  const now = () => clock;
  const scope = graphScope('User.Read');
  const user = (u: (typeof LOCAL_USERS)[number]) => ({ oid: u.oid, tid: '00000000-0000-4000-8000-000000000001' });

  beforeAll(async () => {
    entra = await startEntraEmulator();
    msal = await createConfidentialClient(localConfig(entra));
  });
  afterAll(() => entra.close());
  beforeEach(() => {
    clock = Date.now();
  });

  test('a renewed incoming token (a new assertion) for the same user reuses the cached Graph token', async () => {
    const obo = createOboClient({ msal: async () => msal, now });
    const first = await signIn(entra, ADELE.username);
    const second = await signIn(entra, ADELE.username); // another session, or the same one renewed
    expect(second).not.toBe(first);
    const before = entra.counters.oboRequests;
    const a = await obo.acquire(user(ADELE), first, scope);
    const b = await obo.acquire(user(ADELE), second, scope);
    expect(entra.counters.oboRequests).toBe(before + 1);
    expect(b.accessToken === a.accessToken).toBe(true);
    const claims = decodeJwt(a.accessToken);
    expect(claims).toMatchObject({ oid: ADELE.oid, aud: GRAPH_APP_ID, scp: 'User.Read' });
  });

  test('another user, or another scope, is another exchange; concurrent calls share one', async () => {
    const obo = createOboClient({ msal: async () => msal, now });
    const adele = await signIn(entra, ADELE.username);
    const admin = await signIn(entra, ADMIN.username);
    const before = entra.counters.oboRequests;
    const [x, y] = await Promise.all([obo.acquire(user(ADELE), adele, scope), obo.acquire(user(ADELE), adele, scope)]);
    expect(x.accessToken === y.accessToken).toBe(true);
    expect(entra.counters.oboRequests).toBe(before + 1);
    const other = await obo.acquire(user(ADMIN), admin, scope);
    expect(decodeJwt(other.accessToken).oid).toBe(ADMIN.oid);
    await obo.acquire(user(ADELE), adele, graphScope('.default'));
    expect(entra.counters.oboRequests).toBe(before + 3);
  });

  test('a token is renewed shortly before it expires, after forget(), and after the bounded cache evicted it', async () => {
    const obo = createOboClient({ msal: async () => msal, now, maxEntries: 1 });
    const adele = await signIn(entra, ADELE.username);
    const admin = await signIn(entra, ADMIN.username);
    const before = entra.counters.oboRequests;
    const first = await obo.acquire(user(ADELE), adele, scope);
    clock = first.expiresAt - RENEW_BEFORE_MS - 1000;
    await obo.acquire(user(ADELE), adele, scope);
    expect(entra.counters.oboRequests).toBe(before + 1);
    clock = first.expiresAt - RENEW_BEFORE_MS + 1;
    await obo.acquire(user(ADELE), adele, scope);
    expect(entra.counters.oboRequests).toBe(before + 2);
    clock = Date.now();
    obo.forget(user(ADELE), scope);
    await obo.acquire(user(ADELE), adele, scope);
    expect(entra.counters.oboRequests).toBe(before + 3);
    await obo.acquire(user(ADMIN), admin, scope); // evicts Adele's (one entry)
    await obo.acquire(user(ADELE), adele, scope);
    expect(entra.counters.oboRequests).toBe(before + 5);
  });

  test('missing consent is AADSTS65001, classified as consent_required; the error holds no token', async () => {
    const obo = createOboClient({ msal: async () => msal, now });
    const app = entra.directory.apps.find((a) => a.appId === LOCAL_GATEWAY_APP.clientId)!;
    const saved = app.consentedPermissions;
    app.consentedPermissions = [];
    try {
      const assertion = await signIn(entra, ADELE.username);
      const err = await obo.acquire(user(ADELE), assertion, scope).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OboError);
      expect(err).toMatchObject({ kind: 'consent_required', aadsts: '65001' });
      expect(JSON.stringify(err) + String((err as Error).message)).not.toContain(assertion);
    } finally {
      app.consentedPermissions = saved;
    }
  });

  test('an assertion for another audience is refused by Entra and reported with its AADSTS number', async () => {
    const obo = createOboClient({ msal: async () => msal, now });
    const err = await obo.acquire(user(ADELE), 'not-a-jwt', scope).then(
      () => undefined,
      (e: unknown) => e as OboError,
    );
    expect(err).toBeInstanceOf(OboError);
    expect(err!.kind).toBe('refused');
    expect(err!.aadsts).toMatch(/^\d+$/);
  });

  describe('Conditional Access and revoked sessions', () => {
    const POLICY = 'c0c0c0c0-0000-4000-8000-000000000001';
    afterEach(() => {
      entra.directory.conditionalAccess.length = 0;
      for (const u of entra.directory.users) {
        delete u.signInSessionsValidFrom;
        delete u.mfaRegistered;
      }
    });
    const failure = (obo: ReturnType<typeof createOboClient>, who: (typeof LOCAL_USERS)[number], assertion: string) =>
      obo.acquire(user(who), assertion, scope).then(
        () => undefined,
        (e: unknown) => e as OboError,
      );

    test('MSAL reports errorNo as a number; an MFA policy on Graph is interaction_required (AADSTS50076) with the claims challenge', async () => {
      entra.directory.conditionalAccess.push({ id: POLICY, resources: [GRAPH_APP_ID], grant: 'mfa' });
      const assertion = await signIn(entra, ADELE.username);
      const raw = await msal.acquireTokenOnBehalfOf({ oboAssertion: assertion, scopes: [scope], skipCache: true }).then(
        () => undefined,
        (e: unknown) => e as { errorNo?: unknown; claims?: unknown },
      );
      expect(typeof raw?.errorNo).toBe('number');
      const err = await failure(createOboClient({ msal: async () => msal, now }), ADELE, assertion);
      expect(err).toMatchObject({ kind: 'interaction_required', aadsts: '50076' });
      expect(JSON.parse(err!.claims!)).toEqual({ access_token: { capolids: { essential: true, values: [POLICY] } } });
    });

    test('a user without a registered method gets AADSTS50079; a blocking policy is AADSTS53003 (blocked)', async () => {
      entra.directory.conditionalAccess.push({ id: POLICY, users: [ADELE.oid], resources: [GRAPH_APP_ID], grant: 'mfa' });
      entra.directory.users.find((u) => u.oid === ADELE.oid)!.mfaRegistered = false;
      const obo = createOboClient({ msal: async () => msal, now });
      expect(await failure(obo, ADELE, await signIn(entra, ADELE.username))).toMatchObject({ kind: 'interaction_required', aadsts: '50079' });
      entra.directory.conditionalAccess.push({ id: 'block-admin', users: [ADMIN.username], resources: ['https://graph.microsoft.com'], grant: 'block' });
      expect(await failure(obo, ADMIN, await signIn(entra, ADMIN.username))).toMatchObject({ kind: 'blocked', aadsts: '53003' });
    });

    test("revoking the user's sign-in sessions makes OBO with a token of an older session AADSTS50173 (session_expired)", async () => {
      const assertion = await signIn(entra, ADMIN.username);
      await new Promise((resolve) => setImmediate(resolve));
      entra.revokeSignInSessions(ADMIN.username);
      const err = await failure(createOboClient({ msal: async () => msal, now }), ADMIN, assertion);
      expect(err).toMatchObject({ kind: 'session_expired', aadsts: '50173' });
    });
  });
});
