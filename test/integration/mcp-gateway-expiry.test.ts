import { jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { LOCAL_GATEWAY_APP, LOCAL_USERS } from '../../src/local/defaults.js';
import { useGatewayOnFakeDate } from './gateway-on-fake-date.js';
import { authorize, MemoryOAuthProvider } from './mcp-gateway-support.js';

const state = useGatewayOnFakeDate();

interface Seen {
  refused?: string;
  user: { oid: string };
  token: { aud: string; oid: string; iat: number; exp: number };
}

async function whoami(client: Client): Promise<Seen> {
  const result = await client.callTool({ name: 'whoami_token', arguments: {} });
  return JSON.parse((result.content as { text: string }[])[0]!.text) as Seen;
}

describe('mcp gateway: long SSE sessions', () => {
  test('the Entra token expires during an SSE session; the next tool call gets a fresh, valid one', async () => {
    const provider = new MemoryOAuthProvider();
    await authorize(provider, `${state.gateway.baseUrl}/mcp`);
    const client = new Client({ name: 'long-session', version: '1.0.0' });
    await client.connect(new SSEClientTransport(new URL(`${state.gateway.baseUrl}/mcp/sse`), { authProvider: provider }));
    try {
      const first = await whoami(client);
      expect(first.refused).toBeUndefined();
      expect(first.token.exp * 1000).toBeGreaterThan(Date.now());

      // Past the Entra access token's expiry (and the gateway access token's): the SSE GET stays open.
      jest.setSystemTime(first.token.exp * 1000 + 10 * 60 * 1000);
      expect(Date.now()).toBeGreaterThan(first.token.exp * 1000);

      // The POST carries an expired gateway token: the SDK refreshes it (same grant) and retries; the
      // tool, which sees the GET's session header, gets a renewed Entra token from the grant.
      const second = await whoami(client);
      expect(second.refused).toBeUndefined();
      expect(second.user.oid).toBe(LOCAL_USERS[0].oid);
      expect(second.token).toMatchObject({ aud: LOCAL_GATEWAY_APP.clientId, oid: LOCAL_USERS[0].oid });
      expect(second.token.iat).toBeGreaterThan(first.token.exp);
      expect(second.token.exp * 1000).toBeGreaterThan(Date.now());
    } finally {
      await client.close();
    }
  });
});
