import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { GrantRecord } from '../../src/store/grants.js';
import { resultText } from '../support/mcp-session.js';
import { ONE, useFakeDateStack } from './fake-date-stack.js';
import { authorizeSplit, refresh, signInSplit } from './instances-support.js';

// Entra ID unreachable: the Entra emulator is stopped (connection refused), in the middle of a sign-in
// and while a grant's Entra token needs renewing. `Date` is faked, to pass the Entra token's hour.
const local = useFakeDateStack();

test('Entra unreachable: /callback sends the client a clear error; a held grant is kept, its gateway refresh still works, and a tool that needs a renewed Entra token says so', async () => {
  // Signed in before the outage; the Entra access token (1 h) is then past its renewal point.
  const { stack } = local;
  const signedIn = await signInSplit(stack, ONE);
  let callbackError: Error | undefined;
  await authorizeSplit(stack, ONE, { beforeCallback: () => stack.entra.close() }).catch((error: Error) => (callbackError = error));
  local.advance(2 * 60 * 60 * 1000);

  // 1. The sign-in that reached /callback while Entra was down: a redirect to the client with an OAuth
  //    error it can show, not a hang or a 500 page.
  expect(callbackError?.message).toMatch(/^no code: \w+: Entra ID could not be reached to complete the sign-in; try again shortly\.$/);

  // 2. The gateway's own refresh needs no Entra call: it works, and rotates.
  const refreshed = await refresh(stack, 1, signedIn);
  expect(refreshed.status).toBe(200);

  // 3. A tool that needs the user's Entra token, due for renewal: a readable tool error, not a dropped call.
  const client = new Client({ name: 'entra-outage', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(stack.urls.mcp), {
      requestInit: { headers: { authorization: `Bearer ${String(refreshed.json.access_token)}` } },
    }),
  );
  try {
    // A refusal is returned, not thrown (the extension would turn a throw into a generic error).
    const result = await client.callTool({ name: 'get_graph_user_details', arguments: {} });
    expect(resultText(result)).toContain('could not be reached');
    expect(resultText(result)).toContain('you are still signed in, try again shortly');
    expect(resultText(result)).not.toContain('sign in again');
  } finally {
    await client.close();
  }

  // 4. The grant is kept: not revoked, its sealed Entra tokens and refresh token still there.
  const { resources } = await local.containers.grants.items.query<GrantRecord>('SELECT * FROM c WHERE c.revoked = true OR IS_NULL(c.entra)').fetchAll();
  expect(resources.filter((g) => g.clientId === signedIn.clientId)).toEqual([]);
});
