import { LOCAL_USERS } from '../../src/local/defaults.js';
import { call, connectAs, errorCode, startToolStack, type SignedInClient, type ToolStack } from './tools-support.js';

const ADELE = LOCAL_USERS[0];
const OBO_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('MCP tools through the gateway (client secret gateway credential)', () => {
  let ts: ToolStack;
  let adele: SignedInClient;

  beforeAll(async () => {
    ts = await startToolStack('secret');
    adele = await connectAs(ts.stack, ADELE.username);
  }, 60_000);
  afterAll(async () => {
    await adele?.close();
    await ts?.close();
  });

  test('get_graph_user_details: the OBO exchange authenticates with the client secret, once for two calls', async () => {
    const oboBefore = ts.stack.entra.counters.oboRequests;
    const first = await call(adele.client, 'get_graph_user_details');
    expect(errorCode(first)).toBeUndefined();
    expect(first.structured).toMatchObject({ id: ADELE.oid, displayName: ADELE.name, userPrincipalName: ADELE.username });
    await call(adele.client, 'get_graph_user_details');
    expect(ts.stack.entra.counters.oboRequests).toBe(oboBefore + 1);

    const obo = ts.tokenRequests.filter((r) => r.grantType === OBO_GRANT);
    expect(obo).toEqual([{ grantType: OBO_GRANT, clientAuth: 'client_secret' }]);
    expect(ts.tokenRequests.every((r) => r.clientAuth === 'client_secret')).toBe(true);
    expect(ts.stack.entra.counters.managedIdentityTokens).toBe(0);
  });
});
