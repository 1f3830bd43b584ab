import { createGraphClient } from '../../src/entra/graph.js';
import { createConfidentialClient } from '../../src/entra/msal-client.js';
import { createOboClient } from '../../src/entra/obo.js';
import { LOCAL_USERS } from '../../src/local/defaults.js';
import { startEntraEmulator, type EntraEmulator } from '../../src/local/entra/index.js';
import { startGraphEmulator, type GraphEmulator } from '../../src/local/graph/index.js';
import { createGroupMembershipResolver, GROUP_MEMBERSHIP_TTL_MS } from '../../src/tools/group-membership.js';
import { localConfig } from '../entra/helpers.js';
import { signIn } from '../local/graph/tokens.js';

const ADELE = LOCAL_USERS[0];
const CHECK_PATH = '/v1.0/me/checkmembergroups';
const id = (i: number) => `99999999-2222-4000-8000-${String(i).padStart(12, '0')}`;

describe('group membership through Graph checkMemberGroups (real MSAL OBO, Graph emulator)', () => {
  let entra: EntraEmulator;
  let graph: GraphEmulator;
  let assertion: string;
  let clock = Date.now();
  const user = { oid: ADELE.oid, tid: '00000000-0000-4000-8000-000000000001' };

  beforeAll(async () => {
    entra = await startEntraEmulator();
    entra.directory.users.find((u) => u.oid === ADELE.oid)!.groups = Array.from({ length: 250 }, (_, i) => id(i));
    graph = await startGraphEmulator({ entra: { url: entra.url, tenantId: entra.tenantId }, directory: entra.directory });
    assertion = await signIn(entra, ADELE.username);
  });
  afterAll(async () => {
    await graph.close();
    await entra.close();
  });

  function resolver() {
    const msal = createConfidentialClient(localConfig(entra));
    const obo = createOboClient({ msal: () => msal, now: () => clock });
    return createGroupMembershipResolver({ obo, graph: createGraphClient({ baseUrl: graph.url }), now: () => clock });
  }

  test('45 configured groups are checked 20 at a time; only members come back; the answer is cached until it expires', async () => {
    const configured = [...Array.from({ length: 40 }, (_, i) => id(i * 10)), ...Array.from({ length: 5 }, (_, i) => id(1000 + i))];
    const r = resolver();
    graph.resetCounters();
    const member = await r.memberOf(user, assertion, configured);
    expect(member).toEqual(configured.slice(0, 25));
    expect(graph.counters.byPath[CHECK_PATH]).toBe(3);
    expect(await r.memberOf(user, assertion, configured)).toEqual(member);
    expect(graph.counters.byPath[CHECK_PATH]).toBe(3);
    clock += GROUP_MEMBERSHIP_TTL_MS + 1;
    await r.memberOf(user, assertion, configured);
    expect(graph.counters.byPath[CHECK_PATH]).toBe(6);
  });

  test('a failed lookup throws and is not cached', async () => {
    const r = resolver();
    graph.failNext({ status: 403, path: CHECK_PATH });
    await expect(r.memberOf(user, assertion, [id(1)])).rejects.toThrow();
    expect(await r.memberOf(user, assertion, [id(1)])).toEqual([id(1)]);
  });
});
