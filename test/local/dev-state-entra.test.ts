import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservedPort } from '../../src/local/ports.js';
import { startLocalStack } from '../../src/local/stack.js';
import { authorize, MemoryOAuthProvider } from '../integration/mcp-gateway-support.js';

// Its own file: the app reads its settings (the gateway's URL among them) when the host first imports
// it, so the two stacks here must be the first of this module registry and share one gateway port.
describe('npm start --persist: the Entra emulator kept across restarts', () => {
  test("a signed-in user's Graph tool keeps working after a restart, without signing in again", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'dev-state-entra-'));
    // The same gateway port both times, as `npm start` has: it is the issuer and audience of the tokens.
    const gatewayPort = await reservedPort();
    try {
      const first = await startLocalStack({ gatewayPort, stateDir, log: () => {} });
      let accessToken: string;
      try {
        accessToken = (await authorize(new MemoryOAuthProvider(), first.urls.mcp, 'adele@contoso.test')).access_token;
        expect(await graphTool(first.urls.mcp, accessToken)).toContain('Adele');
      } finally {
        await first.close();
      }
      expect(statSync(join(stateDir, 'entra.json')).mode & 0o077).toBe(0);

      const second = await startLocalStack({ gatewayPort, stateDir, log: () => {} });
      try {
        // The Entra token in the grant was signed by the emulator's key of the first run; OBO checks it.
        expect(await graphTool(second.urls.mcp, accessToken)).toContain('Adele');
        expect(second.entra.counters.signIns).toBe(0);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** `get_graph_user_details` through the gateway; the tool result's text, or the failure. */
async function graphTool(mcpUrl: string, accessToken: string): Promise<string> {
  const response = await fetch(mcpUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get_graph_user_details', arguments: {} } }),
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"isError":true')) throw new Error(`the Graph tool failed (${response.status}): ${text.slice(0, 300)}`);
  return text;
}
