import http from 'node:http';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';

// What SIGTERM does to `npm start` (src/local/start.ts calls the stack's close()): requests in flight
// finish, new ones are refused with 503, then everything stops. The request in flight is held open by
// the test itself (its body is sent in two halves), so nothing depends on timing.

/** A POST /token whose headers have reached the server (100-continue) and whose body is half sent. */
function halfSentTokenRequest(base: string): Promise<{ finish(): Promise<{ status: number; body: string }> }> {
  const body = Buffer.from('grant_type=authorization_code&code=not-a-real-code&client_id=nobody');
  const req = http.request(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length, expect: '100-continue' },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  return new Promise((resolve, reject) => {
    req.on('error', reject);
    req.on('continue', () => {
      req.write(body.subarray(0, 10));
      resolve({
        finish: () => {
          req.end(body.subarray(10));
          return answered;
        },
      });
    });
    req.flushHeaders();
  });
}

/** Requests /health until the server answers 503 (bounded by a count, not by time). */
async function untilRefused(url: string): Promise<Response> {
  for (let i = 0; i < 500; i++) {
    const response = await fetch(url);
    if (response.status === 503) return response;
    await response.body?.cancel();
  }
  throw new Error('the server never refused a new request');
}

describe.each([1, 2])('shutdown with %i instance(s)', (instances) => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ gatewayPort: 0, emulatorPorts: 'any', instances, log: () => {} });
  }, 60_000);

  test('a request in flight finishes with its real answer; new requests get 503 with Retry-After; then the stack stops', async () => {
    const inFlight = await halfSentTokenRequest(stack.urls.gateway);
    const closing = stack.close();
    const refused = await untilRefused(stack.urls.health);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.text()).toContain('shutting down');

    const answer = await inFlight.finish();
    expect(answer.status).toBe(401); // the token endpoint's own answer: an unknown client
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_client' });
    await closing;
    await expect(fetch(stack.urls.health)).rejects.toThrow();
  });
});
