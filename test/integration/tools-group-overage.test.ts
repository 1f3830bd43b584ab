// GROUP_PERMISSIONS for a user in 250 groups: Entra's token carries the overage claims instead of
// `groups`, and the gateway resolves the configured groups through Graph (checkMemberGroups, on behalf
// of the user), cached per user. The whole local stack and the MCP SDK client.
import { LOCAL_USERS } from '../../src/local/defaults.js';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { call, connectAs, errorCode, type SignedInClient } from './tools-support.js';

const [ADELE, ADMIN] = LOCAL_USERS;
const HELPDESK = '99999999-0000-4000-8000-0000000000f0';
const CHECK_PATH = '/v1.0/me/checkmembergroups';

describe('group overage: GROUP_PERMISSIONS through Graph checkMemberGroups', () => {
  let stack: LocalStack;
  let adele: SignedInClient;
  const logs: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      gatewayPort: 0,
      env: { GROUP_PERMISSIONS: JSON.stringify({ [HELPDESK]: ['clients.read'] }) },
      log: (level, message) => logs.push(`${level}: ${message}`),
    });
    const user = stack.entra.directory.users.find((u) => u.oid === ADELE.oid)!;
    // 250 groups, the helpdesk group among them: more than Entra puts in a token (200).
    user.groups = [...Array.from({ length: 249 }, (_, i) => `99999999-1111-4000-8000-${String(i).padStart(12, '0')}`), HELPDESK];
    adele = await connectAs(stack, ADELE.username);
  }, 60_000);
  afterAll(async () => {
    await adele?.close();
    await stack?.close();
  });

  test('the configured group is found through Graph: whoami shows it and its permission, list_clients is allowed; the answer is cached', async () => {
    const before = stack.graph.counters.byPath[CHECK_PATH] ?? 0;
    const me = await call(adele.client, 'whoami');
    expect(me.structured).toMatchObject({ oid: ADELE.oid, groups: [HELPDESK], permissions: ['clients.read'] });
    expect(stack.graph.counters.byPath[CHECK_PATH]).toBe(before + 1);

    const listed = await call(adele.client, 'list_clients');
    expect(errorCode(listed)).toBeUndefined();
    expect(listed.text).toMatch(/registered MCP client\(s\)/);
    // Cached per user: the second tool call asked Graph nothing.
    expect(stack.graph.counters.byPath[CHECK_PATH]).toBe(before + 1);
  });

  test('a user whose token lists their groups needs no Graph lookup', async () => {
    const admin = await connectAs(stack, ADMIN.username);
    try {
      const before = stack.graph.counters.byPath[CHECK_PATH] ?? 0;
      expect((await call(admin.client, 'whoami')).structured).toMatchObject({ groups: [...ADMIN.groups] });
      expect(stack.graph.counters.byPath[CHECK_PATH] ?? 0).toBe(before);
    } finally {
      await admin.close();
    }
  });
});
