import { decodeJwt } from 'jose';
import { GRAPH_APP_ID, LOCAL_GATEWAY_APP, LOCAL_MFA_CODE, LOCAL_PASSWORD, LOCAL_USERS } from '../../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../../src/local/entra/index.js';
import { authorizeUrl, formAction, GATEWAY_CALLBACK, tokenRequest } from '../../entra/helpers.js';

const [ADELE, ADMIN] = LOCAL_USERS;
const GW = LOCAL_GATEWAY_APP.clientId;
const SECRET = LOCAL_GATEWAY_APP.clientSecret;
const API_SCOPE = `${GW}/${LOCAL_GATEWAY_APP.apiScope}`;
const GRAPH_SCOPE = `${GRAPH_APP_ID}/User.Read`;
const POLICY = 'e0e0e0e0-0000-4000-8000-000000000001';
const CLIENT_APP = '77777777-7777-4777-8777-777777777777';
const CLIENT_REDIRECT = 'http://localhost:7777/cb';
const OBO = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

interface Step {
  status: number;
  html?: string;
  location?: URL;
}

/** A person at the browser: posts `fields` to the page's form (hidden fields kept). */
async function post(pageUrl: string, html: string, fields: Record<string, string>): Promise<Step> {
  const hidden = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const response = await fetch(formAction(html, pageUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hidden, ...fields }),
  });
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location) : undefined, html: location ? undefined : await response.text() };
}

describe('Entra emulator: Conditional Access, sessions, consent, assignment and groups', () => {
  let entra: EntraEmulator;
  let nowMs = Date.now();
  const authorize = (params: Record<string, string> = {}) =>
    authorizeUrl(entra, { client_id: GW, redirect_uri: GATEWAY_CALLBACK, response_type: 'code', scope: `${API_SCOPE} offline_access`, state: 's', ...params });

  /** Opens the authorize URL and signs in with the password; returns the next step. */
  async function password(url: string, username: string = ADELE.username): Promise<Step> {
    const page = await fetch(url);
    return post(url, await page.text(), { username, password: LOCAL_PASSWORD });
  }
  const redeem = (code: string, scope = API_SCOPE) =>
    tokenRequest(entra, { grant_type: 'authorization_code', client_id: GW, client_secret: SECRET, code, redirect_uri: GATEWAY_CALLBACK, scope });
  const obo = (assertion: string, scope = GRAPH_SCOPE) =>
    tokenRequest(entra, { grant_type: OBO, requested_token_use: 'on_behalf_of', client_id: GW, client_secret: SECRET, assertion, scope });
  const refresh = (token: string, scope?: string) =>
    tokenRequest(entra, { grant_type: 'refresh_token', client_id: GW, client_secret: SECRET, refresh_token: token, ...(scope ? { scope } : {}) });

  async function tokens(username: string = ADELE.username): Promise<Record<string, unknown>> {
    const step = await password(authorize(), username);
    const code = step.location?.searchParams.get('code');
    if (!code) throw new Error(`no code: ${step.location?.search ?? step.html}`);
    return (await redeem(code)).body;
  }

  beforeAll(async () => {
    entra = await startEntraEmulator({
      now: () => nowMs,
      directory: {
        apps: [{ appId: CLIENT_APP, displayName: 'Contoso Notes', web: { redirectUris: [CLIENT_REDIRECT] }, secrets: ['s3cret'] }],
      },
    });
  });
  afterAll(() => entra.close());
  afterEach(() => {
    entra.directory.conditionalAccess.length = 0;
    entra.directory.userConsent = true;
    for (const u of entra.directory.users) {
      delete u.signInSessionsValidFrom;
      delete u.mfaRegistered;
    }
    nowMs = Date.now();
  });

  describe('Conditional Access', () => {
    test('an MFA policy on Graph: OBO answers interaction_required AADSTS50076 with the claims challenge; the gateway API itself is not covered', async () => {
      entra.directory.conditionalAccess.push({ id: POLICY, users: [ADELE.oid], resources: [GRAPH_APP_ID], grant: 'mfa' });
      const first = await tokens();
      const r = await obo(first.access_token as string);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error: 'interaction_required', error_codes: [50076], suberror: 'basic_action' });
      expect(String(r.body.error_description)).toMatch(/^AADSTS50076: .*multi-factor authentication to access '00000003-0000-0000-c000-000000000000'/);
      expect(JSON.parse(r.body.claims as string)).toEqual({ access_token: { capolids: { essential: true, values: [POLICY] } } });
      // The gateway's own API: refresh works, and its session still lacks MFA.
      expect((await refresh(first.refresh_token as string, API_SCOPE)).status).toBe(200);
      // A user the policy does not name is not affected.
      expect((await obo((await tokens(ADMIN.username)).access_token as string)).status).toBe(200);
    });

    test('the claims challenge sent back at authorize brings the second-factor step; a wrong code is refused; the session then satisfies the policy', async () => {
      entra.directory.conditionalAccess.push({ id: POLICY, resources: [GRAPH_APP_ID], grant: 'mfa' });
      const claims = JSON.stringify({ access_token: { capolids: { essential: true, values: [POLICY] } } });
      const url = authorize({ claims });
      const mfa = await password(url);
      expect(mfa.status).toBe(200);
      expect(mfa.html).toContain('Verify your identity');
      expect(mfa.html).toContain('name="otc"');
      const wrong = await post(url, mfa.html!, { otc: '000000' });
      expect(wrong.html).toContain('role="alert"');
      // The step's ticket belongs to this request: posted to another client's authorize it is refused.
      const other = authorizeUrl(entra, { client_id: CLIENT_APP, redirect_uri: CLIENT_REDIRECT, response_type: 'code', scope: 'openid', claims });
      const foreign = await post(other, wrong.html!.replace(/action="[^"]*"/, `action="${other.replace(/&/g, '&amp;')}"`), { otc: LOCAL_MFA_CODE });
      expect(foreign.html).toContain('timed out');
      const mfaAgain = await password(url);
      const done = await post(url, mfaAgain.html!, { otc: LOCAL_MFA_CODE });
      const code = done.location?.searchParams.get('code');
      expect(code).toBeTruthy();
      // Single use: the same form posted again is not a second sign-in.
      expect((await post(url, mfaAgain.html!, { otc: LOCAL_MFA_CODE })).html).toContain('timed out');
      const api = (await redeem(code!)).body;
      const graph = await obo(api.access_token as string);
      expect(graph.status).toBe(200);
      expect(decodeJwt(graph.body.access_token as string).amr).toEqual(['pwd', 'mfa']);
      // Refreshing keeps the session's MFA: the Graph token comes from the refresh token too.
      expect((await refresh(api.refresh_token as string, GRAPH_SCOPE)).status).toBe(200);
    });

    test('a policy on the requested resource asks for the second factor at sign-in; without a method registered it is AADSTS50079 at the token endpoint and registration at sign-in', async () => {
      entra.directory.conditionalAccess.push({ id: POLICY, users: [ADELE.username], resources: [GW], grant: 'mfa' });
      const before = await tokens(ADMIN.username);
      expect(before.access_token).toBeTruthy();
      entra.directory.users.find((u) => u.oid === ADELE.oid)!.mfaRegistered = false;
      const step = await password(authorize());
      expect(step.html).toContain('More information required');
      // A refresh token from a session without MFA, once the policy covers the API: 50079 for an unregistered user.
      entra.directory.conditionalAccess.push({ id: 'all-users', resources: [GW], grant: 'mfa' });
      entra.directory.users.find((u) => u.oid === ADMIN.oid)!.mfaRegistered = false;
      const r = await refresh(before.refresh_token as string, API_SCOPE);
      expect(r.body).toMatchObject({ error: 'interaction_required', error_codes: [50079] });
    });

    test("a blocking policy: Entra's error page at sign-in, AADSTS53003 with suberror message_only at the token endpoint", async () => {
      const api = await tokens();
      entra.directory.conditionalAccess.push({ id: POLICY, users: [ADELE.oid], grant: 'block' });
      const page = await password(authorize());
      expect(page.status).toBe(400);
      expect(page.location).toBeUndefined();
      expect(page.html).toContain('AADSTS53003');
      const r = await obo(api.access_token as string);
      expect(r.body).toMatchObject({ error: 'invalid_grant', error_codes: [53003], suberror: 'message_only' });
      expect(r.body.claims).toBeTruthy();
    });
  });

  describe('sessions', () => {
    test("revoking a user's sessions: refresh and OBO from an older session are AADSTS50173; a new sign-in works", async () => {
      const old = await tokens();
      nowMs += 1000;
      entra.revokeSignInSessions(ADELE.username);
      expect((await refresh(old.refresh_token as string, API_SCOPE)).body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
      expect((await obo(old.access_token as string)).body).toMatchObject({ error_codes: [50173] });
      nowMs += 1000;
      const fresh = await tokens();
      expect((await refresh(fresh.refresh_token as string, API_SCOPE)).status).toBe(200);
    });

    test('an expired refresh token is AADSTS700082', async () => {
      const t = await tokens();
      nowMs += 91 * 24 * 3600 * 1000;
      const r = await refresh(t.refresh_token as string, API_SCOPE);
      expect(r.body).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
      expect(String(r.body.error_description)).toMatch(/^AADSTS700082: The refresh token has expired due to inactivity\./);
    });
  });

  describe('consent and assignment', () => {
    const clientAuthorize = (params: Record<string, string> = {}) =>
      authorizeUrl(entra, {
        client_id: CLIENT_APP,
        redirect_uri: CLIENT_REDIRECT,
        response_type: 'code',
        scope: 'https://graph.microsoft.com/User.Read openid',
        state: 'c',
        ...params,
      });

    test('an interactive sign-in without consent shows the consent step; Cancel → access_denied, error_subcode=cancel, AADSTS65004', async () => {
      const url = clientAuthorize();
      const consent = await password(url);
      expect(consent.html).toContain('Permissions requested');
      expect(consent.html).toContain('Microsoft Graph: User.Read');
      const declined = await post(url, consent.html!, { consent: 'cancel' });
      const q = declined.location!.searchParams;
      expect(q.get('error')).toBe('access_denied');
      expect(q.get('error_subcode')).toBe('cancel');
      expect(q.get('error_description')).toMatch(/^AADSTS65004: User declined to consent to access the app\./);
      expect(q.get('state')).toBe('c');
      expect(q.get('error_codes')).toBeNull();
    });

    test("Accept grants the user's consent: a code now, and the next sign-in asks nothing", async () => {
      const url = clientAuthorize({ login_hint: ADMIN.username });
      const consent = await password(url, ADMIN.username);
      const accepted = await post(url, consent.html!, { consent: 'accept' });
      expect(accepted.location?.searchParams.get('code')).toBeTruthy();
      const again = await password(url, ADMIN.username);
      expect(again.location?.searchParams.get('code')).toBeTruthy();
    });

    test('with user consent off the step is "Need admin approval", whose only way out declines (AADSTS65004)', async () => {
      entra.directory.userConsent = false;
      const url = clientAuthorize();
      const page = await password(url);
      expect(page.html).toContain('Need admin approval');
      expect(page.html).not.toContain('value="accept"');
      const back = await post(url, page.html!, { consent: 'cancel' });
      expect(back.location?.searchParams.get('error')).toBe('access_denied');
    });

    test('a fully qualified scope missing on its resource → redirect invalid_client AADSTS650053', async () => {
      const r = await fetch(authorize({ scope: `${GW}/no_such_scope` }), { redirect: 'manual' });
      const q = new URL(r.headers.get('location')!).searchParams;
      expect(q.get('error')).toBe('invalid_client');
      expect(q.get('error_description')).toMatch(/^AADSTS650053: /);
    });

    test("appRoleAssignmentRequired: a user holding none of the app's roles gets access_denied AADSTS50105; an assigned one signs in", async () => {
      const app = entra.directory.apps.find((a) => a.appId === GW)!;
      const extra = { oid: 'aaaaaaaa-0000-4000-8000-0000000000ff', username: 'guest@contoso.test', name: 'Guest', password: LOCAL_PASSWORD };
      entra.directory.users.push(extra);
      app.appRoleAssignmentRequired = true;
      try {
        const refused = await password(authorize(), extra.username);
        expect(refused.location?.searchParams.get('error')).toBe('access_denied');
        expect(refused.location?.searchParams.get('error_description')).toMatch(/^AADSTS50105: .*'guest@contoso.test'/);
        expect((await password(authorize(), ADELE.username)).location?.searchParams.get('code')).toBeTruthy();
        app.assignedUsers = [extra.username];
        expect((await password(authorize(), extra.username)).location?.searchParams.get('code')).toBeTruthy();
      } finally {
        app.appRoleAssignmentRequired = false;
        delete app.assignedUsers;
        entra.directory.users.pop();
      }
    });
  });

  describe('groups', () => {
    test('groups only for a resource that declares groupMembershipClaims, never in Graph tokens; above the limit the overage claims instead', async () => {
      const api = await tokens(ADMIN.username);
      expect(decodeJwt(api.access_token as string).groups).toEqual([...ADMIN.groups]);
      const graph = await obo(api.access_token as string);
      expect(decodeJwt(graph.body.access_token as string).groups).toBeUndefined();

      const user = entra.directory.users.find((u) => u.oid === ADELE.oid)!;
      const saved = user.groups;
      user.groups = Array.from({ length: 250 }, (_, i) => `99999999-0000-4000-8000-${String(i).padStart(12, '0')}`);
      try {
        const claims = decodeJwt((await tokens()).access_token as string);
        expect(claims.groups).toBeUndefined();
        expect(claims._claim_names).toEqual({ groups: 'src1' });
        expect(claims._claim_sources).toEqual({ src1: { endpoint: `https://graph.windows.net/${entra.tenantId}/users/${ADELE.oid}/getMemberObjects` } });
        entra.directory.groupsOverageLimit = 300;
        expect(decodeJwt((await tokens()).access_token as string).groups).toHaveLength(250);
      } finally {
        user.groups = saved;
        entra.directory.groupsOverageLimit = 200;
      }
    });
  });
});
