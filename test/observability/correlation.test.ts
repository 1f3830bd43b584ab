import { startLocalStack, type LocalStack } from '../../src/local/stack.js';

/** With Cosmos stopped for real: the error the client gets carries the id of one readable log line. */
describe('correlation id on an unexpected failure', () => {
  let stack: LocalStack;
  const logged: string[] = [];
  beforeAll(async () => {
    stack = await startLocalStack({ gatewayPort: 0, log: (level, message) => logged.push(`[${level}] ${message}`) });
  }, 60_000);
  afterAll(() => stack?.close());

  test('the error body quotes the invocation id; the log line with that id names COSMOS_ENDPOINT and the fix', async () => {
    await stack.cosmos.close();
    const response = await fetch(`${stack.urls.gateway}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:33418/cb'], token_endpoint_auth_method: 'none', client_name: 'x' }),
    });
    expect(response.status).toBe(503); // Cosmos unavailable: retry later (docs/reliability.md)
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as { error_description: string };
    const id = /\(correlation id ([\w-]+)\)\.$/.exec(body.error_description)?.[1];
    expect(id).toEqual(expect.any(String));
    // One readable line naming the setting and the fix, not the RestError's dump.
    const errors = logged.filter((line) => line.startsWith('[error]') && line.includes(id!));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Cosmos DB did not answer (ECONNREFUSED). Check COSMOS_ENDPOINT');
    expect(errors[0]).not.toContain('RestError');
    expect(errors[0]!.split('\n')).toHaveLength(1);
  });
});
