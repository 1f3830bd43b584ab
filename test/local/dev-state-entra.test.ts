import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservedPort } from '../../src/local/ports.js';
import { authorize, MemoryOAuthProvider } from '../integration/mcp-gateway-support.js';
import { startStackProcess } from '../support/stack-process.js';

// `npm start` itself, twice, in a scratch working directory (where `--persist` keeps `.local/`), on the
// same gateway port as a person's runs have: it is the issuer and audience of the tokens kept there.
describe('npm start --persist: the Entra emulator kept across restarts', () => {
  test("a signed-in user's Graph tool keeps working after a restart, without signing in again", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'dev-state-entra-'));
    const port = await reservedPort();
    try {
      const first = await startStackProcess({}, ['--persist'], { cwd, port });
      let accessToken: string;
      try {
        accessToken = (await authorize(new MemoryOAuthProvider(), first.mcpUrl, 'adele@contoso.test')).access_token;
        expect(await graphTool(first.mcpUrl, accessToken)).toContain('Adele');
      } finally {
        await first.stop(); // SIGTERM: the stack saves .local/ as it stops
      }
      expect(statSync(join(cwd, '.local', 'entra.json')).mode & 0o077).toBe(0);

      const second = await startStackProcess({}, ['--persist'], { cwd, port });
      try {
        // The Entra token in the grant was signed by the first run's emulator key, under its issuer; OBO checks both.
        expect(await graphTool(second.mcpUrl, accessToken)).toContain('Adele');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
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
