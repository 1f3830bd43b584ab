// Attack (and client mistake): a 1 MB body to an endpoint with a 16 KiB limit. The function answers 413
// before reading the body; the local host must deliver that answer (as the Functions host does), not a
// 502, and the client's connection must stay usable for its next request.
import http from 'node:http';
import { startLocalStack, type LocalStack } from '../../src/local/stack.js';

interface Answer {
  status: number;
  body: string;
  reusedSocket: boolean;
}

function post(agent: http.Agent, url: string, contentType: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, reusedSocket: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('attack: an oversized body through the local host', () => {
  let stack: LocalStack;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  beforeAll(async () => {
    stack = await startLocalStack({ gatewayPort: 0, log: () => {} });
  }, 60_000);
  afterAll(async () => {
    agent.destroy();
    await stack?.close();
  });

  test.each([
    ['/register', 'application/json'],
    ['/token', 'application/x-www-form-urlencoded'],
  ])("a 1 MB POST %s gets the function's 413, and the same connection serves the next request", async (path, contentType) => {
    const big = await post(agent, `${stack.urls.gateway}${path}`, contentType, Buffer.alloc(1024 * 1024, 'a'));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/larger than/) });

    const next = await post(agent, `${stack.urls.gateway}/register`, 'application/json', Buffer.from('{}'));
    expect(next.status).toBe(400);
    expect(next.reusedSocket).toBe(true);
  });
});
