import { decodeProtectedHeader, generateKeyPair, SignJWT, UnsecuredJWT, decodeJwt } from 'jose';
import { GRAPH_APP_ID, LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../../src/local/defaults.js';
import { startEntraEmulator } from '../../../src/local/entra/index.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/local/graph/index.js';
import { graphTokenOnBehalfOf, signIn } from './tokens.js';

type Entra = Awaited<ReturnType<typeof startEntraEmulator>>;
interface GraphErrorJson {
  error: { code: string; message: string; innerError: { date: string; 'request-id': string; 'client-request-id': string } };
}

const [adele, admin] = LOCAL_USERS;

describe('Graph emulator: /v1.0/me', () => {
  let entra: Entra;
  let graph: GraphEmulator;
  /** Moves the Graph emulator's clock, to see real tokens expire. */
  let clockOffsetMs = 0;
  let apiToken: string;
  let graphToken: string;

  beforeAll(async () => {
    // The gateway app may also read groups in full, so memberOf can be seen both ways.
    entra = await startEntraEmulator({
      directory: {
        apps: [
          {
            appId: LOCAL_GATEWAY_APP.clientId,
            displayName: 'Entra MCP Gateway (local)',
            consentedPermissions: [{ resourceAppId: GRAPH_APP_ID, scopes: ['User.Read', 'Group.Read.All', 'Mail.Read'] }],
          },
        ],
      },
    });
    graph = await startGraphEmulator({ entra, now: () => new Date(Date.now() + clockOffsetMs) });
    apiToken = await signIn(entra, adele.username);
    graphToken = await graphTokenOnBehalfOf(entra, apiToken);
  });
  afterAll(async () => {
    await graph?.close();
    await entra?.close();
  });
  afterEach(() => {
    clockOffsetMs = 0;
  });

  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${graph.url}${path}`, { headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });

  async function expectGraphError(res: Response, status: number, code: string): Promise<GraphErrorJson['error']> {
    expect(res.status).toBe(status);
    const body = (await res.json()) as GraphErrorJson;
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(body.error.innerError['request-id']).toBe(res.headers.get('request-id'));
    return body.error;
  }

  test('returns the signed-in user for a Graph token from a real OBO exchange', async () => {
    expect(decodeJwt(graphToken).aud).toMatch(/^(https:\/\/graph\.microsoft\.com\/?|00000003-0000-0000-c000-000000000000)$/);
    const res = await get('/v1.0/me', graphToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      '@odata.context': `${graph.url}/v1.0/$metadata#users/$entity`,
      businessPhones: ['+1 425 555 0109'],
      displayName: 'Adele Vance',
      givenName: 'Adele',
      jobTitle: 'Retail Manager',
      mail: 'adele@contoso.test',
      mobilePhone: null,
      officeLocation: '18/2111',
      preferredLanguage: 'en-US',
      surname: 'Vance',
      userPrincipalName: 'adele@contoso.test',
      id: adele.oid,
    });
    expect(graph.counters.byUser[adele.oid]).toBeGreaterThanOrEqual(1);
  });

  test('each user gets their own profile', async () => {
    const token = await graphTokenOnBehalfOf(entra, await signIn(entra, admin.username));
    const me = (await (await get('/v1.0/me', token)).json()) as { id: string; userPrincipalName: string };
    expect(me).toMatchObject({ id: admin.oid, userPrincipalName: 'admin@contoso.test' });
  });

  test('$select returns only the named properties, in Graph casing, with the matching context', async () => {
    const res = await get('/v1.0/me?$select=displayName,MAIL,id', graphToken);
    expect(await res.json()).toEqual({
      '@odata.context': `${graph.url}/v1.0/$metadata#users(displayName,mail,id)/$entity`,
      displayName: 'Adele Vance',
      mail: 'adele@contoso.test',
      id: adele.oid,
    });
    const unknown = await expectGraphError(await get('/v1.0/me?$select=shoeSize', graphToken), 400, 'BadRequest');
    expect(unknown.message).toContain("'shoeSize'");
  });

  test('memberOf lists groups as #microsoft.graph.group objects; only ids without a group scope', async () => {
    const full = (await (await get('/v1.0/me/memberOf', await graphTokenOnBehalfOf(entra, apiToken, 'https://graph.microsoft.com/Group.Read.All'))).json()) as {
      '@odata.context': string;
      value: Record<string, unknown>[];
    };
    expect(full['@odata.context']).toBe(`${graph.url}/v1.0/$metadata#directoryObjects`);
    expect(full.value).toHaveLength(adele.groups.length);
    expect(full.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.group', id: adele.groups[0], displayName: 'MCP Users', securityEnabled: true });

    const limited = (await (await get('/v1.0/me/memberOf', graphToken)).json()) as { value: Record<string, unknown>[] };
    expect(limited.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.group', id: adele.groups[0], displayName: null });
  });

  test('POST /me/checkMemberGroups answers which of at most 20 given group ids the user is a member of; GET is 405', async () => {
    const post = (body: unknown) =>
      fetch(`${graph.url}/v1.0/me/checkMemberGroups`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const other = '99999999-0000-4000-8000-0000000000aa';
    const r = await post({ groupIds: [other, adele.groups[0]!.toUpperCase()] });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ '@odata.context': `${graph.url}/v1.0/$metadata#Collection(Edm.String)`, value: [adele.groups[0]!.toUpperCase()] });
    await expectGraphError(await post({ groupIds: Array.from({ length: 21 }, () => other) }), 400, 'BadRequest');
    await expectGraphError(await post({ nope: true }), 400, 'BadRequest');
    await expectGraphError(await get('/v1.0/me/checkMemberGroups', graphToken), 405, 'Request_BadRequest');
  });

  test('refuses a request without a token with InvalidAuthenticationToken and a challenge', async () => {
    const res = await get('/v1.0/me', undefined, { 'client-request-id': 'my-request-1' });
    const error = await expectGraphError(res, 401, 'InvalidAuthenticationToken');
    expect(error.innerError['client-request-id']).toBe('my-request-1');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  test("refuses the gateway API's own token (wrong audience)", async () => {
    const error = await expectGraphError(await get('/v1.0/me', apiToken), 401, 'InvalidAuthenticationToken');
    expect(error.message).toContain('audience');
  });

  test('refuses an unsigned token carrying Graph claims', async () => {
    const claims = decodeJwt(graphToken);
    const unsigned = new UnsecuredJWT(claims).encode();
    await expectGraphError(await get('/v1.0/me', unsigned), 401, 'InvalidAuthenticationToken');
  });

  test('refuses a token signed by another key under the emulator key id', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const { kid } = decodeProtectedHeader(graphToken);
    const forged = await new SignJWT(decodeJwt(graphToken)).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
    const error = await expectGraphError(await get('/v1.0/me', forged), 401, 'InvalidAuthenticationToken');
    expect(error.message).toContain('signature');
  });

  test('refuses an expired token', async () => {
    expect((await get('/v1.0/me', graphToken)).status).toBe(200);
    clockOffsetMs = 48 * 3600 * 1000;
    const error = await expectGraphError(await get('/v1.0/me', graphToken), 401, 'InvalidAuthenticationToken');
    expect(error.message).toContain('expired');
  });

  test('refuses a garbage token, and a path it does not know', async () => {
    await expectGraphError(await get('/v1.0/me', 'not-a-jwt'), 401, 'InvalidAuthenticationToken');
    await expectGraphError(await get('/v1.0/planets', graphToken), 400, 'BadRequest');
  });

  test('keeps accepting tokens after the Entra emulator rotates its signing key', async () => {
    await entra.rotateSigningKey();
    const fresh = await graphTokenOnBehalfOf(entra, apiToken);
    expect(decodeProtectedHeader(fresh).kid).not.toBe(decodeProtectedHeader(graphToken).kid);
    expect((await get('/v1.0/me', fresh)).status).toBe(200);
    expect((await get('/v1.0/me', graphToken)).status).toBe(200);
  });

  test('an app-only token cannot call /me', async () => {
    const res = await fetch(`${entra.url}/${entra.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: LOCAL_GATEWAY_APP.clientId,
        client_secret: LOCAL_GATEWAY_APP.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    });
    expect(res.status).toBe(200);
    const appToken = String(((await res.json()) as { access_token: string }).access_token);
    const error = await expectGraphError(await get('/v1.0/me', appToken), 400, 'BadRequest');
    expect(error.message).toContain('delegated');
  });

  test('a token without User.Read is Authorization_RequestDenied', async () => {
    const mailOnly = await graphTokenOnBehalfOf(entra, apiToken, 'https://graph.microsoft.com/Mail.Read');
    expect(String(decodeJwt(mailOnly).scp).split(' ')).not.toContain('User.Read');
    await expectGraphError(await get('/v1.0/me', mailOnly), 403, 'Authorization_RequestDenied');
  });
});
