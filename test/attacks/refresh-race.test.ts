// Attacks (and client habits) around refresh-token rotation, on the real local stack over HTTP:
// parallel refreshes with one token must not lose the session, and a retired token must not live on.
import { jest } from '@jest/globals';
import { useGatewayOnFakeDate } from '../integration/gateway-on-fake-date.js';
import { authorize, MemoryOAuthProvider } from '../integration/mcp-gateway-support.js';
import { tokenRequest } from '../support/oauth-client.js';

const GRACE_SECONDS = 60;

const state = useGatewayOnFakeDate();

async function signedInClient(): Promise<{ clientId: string; refreshToken: string; tokenEndpoint: string }> {
  const provider = new MemoryOAuthProvider();
  const tokens = await authorize(provider, `${state.gateway.baseUrl}/mcp`);
  return { clientId: provider.information!.client_id, refreshToken: tokens.refresh_token!, tokenEndpoint: `${state.gateway.baseUrl}/token` };
}

function refresh(c: { clientId: string; tokenEndpoint: string }, refreshToken: string) {
  return tokenRequest(c.tokenEndpoint, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: c.clientId });
}

describe('attack: parallel refreshes with one refresh token', () => {
  test('ten parallel refreshes all succeed with the same new token pair, which then works', async () => {
    const client = await signedInClient();
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(client, client.refreshToken)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const pairs = new Set(answers.map((a) => `${String(a.json.access_token)} ${String(a.json.refresh_token)}`));
    expect(pairs.size).toBe(1);
    const [first] = answers;
    expect(first!.json.refresh_token).not.toBe(client.refreshToken);
    expect(first!.cacheControl).toBe('no-store');

    const next = await refresh(client, String(first!.json.refresh_token));
    expect(next.status).toBe(200);
  });
});

describe('attack: replaying a retired refresh token', () => {
  test('within the grace window a retry gets the same pair; after it, the retired token is reuse and revokes the grant', async () => {
    const client = await signedInClient();
    const rotated = await refresh(client, client.refreshToken);
    expect(rotated.status).toBe(200);

    jest.setSystemTime(Date.now() + (GRACE_SECONDS - 5) * 1000);
    const retried = await refresh(client, client.refreshToken);
    expect(retried.status).toBe(200);
    expect(retried.json.refresh_token).toBe(rotated.json.refresh_token);
    expect(retried.json.access_token).toBe(rotated.json.access_token);

    jest.setSystemTime(Date.now() + 10 * 1000);
    const late = await refresh(client, client.refreshToken);
    expect(late.status).toBe(400);
    expect(late.json).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/revoked/) });

    // The whole grant is gone: the successor the retired token minted no longer works either.
    const successor = await refresh(client, String(rotated.json.refresh_token));
    expect(successor.status).toBe(400);
    expect(successor.json.error).toBe('invalid_grant');
  });

  test('once the successor has been used, the retired token is reuse even inside the window', async () => {
    const client = await signedInClient();
    const rotated = await refresh(client, client.refreshToken);
    const again = await refresh(client, String(rotated.json.refresh_token));
    expect(again.status).toBe(200);
    const stale = await refresh(client, client.refreshToken);
    expect(stale.status).toBe(400);
    expect(stale.json.error).toBe('invalid_grant');
    expect((await refresh(client, String(again.json.refresh_token))).status).toBe(400);
  });
});
