import { readFormBody } from '../../src/http/body.js';
import { corsOAuthEndpoint } from '../../src/http/endpoint.js';
import type { HttpInput } from '../../src/http/types.js';
import { InvalidGrantError } from '../../src/oauth/errors.js';

function form(body: string, type = 'application/x-www-form-urlencoded'): HttpInput {
  return new Request('http://localhost/token', { method: 'POST', body, headers: { 'content-type': type } }) as unknown as HttpInput;
}

describe('HTTP helpers', () => {
  test('a thrown OAuthError becomes its JSON body with status, no-store and CORS', async () => {
    const endpoint = corsOAuthEndpoint(async () => {
      throw new InvalidGrantError('The authorization code has expired.');
    });
    const response = await endpoint(form(''));
    expect(response).toEqual({
      status: 400,
      jsonBody: { error: 'invalid_grant', error_description: 'The authorization code has expired.' },
      headers: expect.objectContaining({ 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' }),
    });
  });

  test('an unexpected error is a generic server_error; details go only to the log', async () => {
    const logged: unknown[] = [];
    const endpoint = corsOAuthEndpoint(async () => {
      throw new Error('cosmos said: secret-detail');
    });
    const response = await endpoint(form(''), { error: (...args: unknown[]) => logged.push(...args) });
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.jsonBody)).not.toContain('secret-detail');
    expect(logged).toHaveLength(2);
  });

  test('a form body is parsed; a repeated parameter is refused', async () => {
    expect((await readFormBody(form('grant_type=refresh_token&client_id=a'))).get('client_id')).toBe('a');
    await expect(readFormBody(form('client_id=a&client_id=b'))).rejects.toMatchObject({
      errorCode: 'invalid_request',
      description: expect.stringContaining('"client_id"'),
    });
  });

  test('a form endpoint refuses another content type', async () => {
    await expect(readFormBody(form('{}', 'application/json'))).rejects.toMatchObject({ errorCode: 'invalid_request' });
  });

  test('an oversized form body is 413', async () => {
    await expect(readFormBody(form(`a=${'x'.repeat(20000)}`))).rejects.toMatchObject({ status: 413 });
  });
});
