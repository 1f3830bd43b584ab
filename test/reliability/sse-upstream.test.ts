import { startLocalStack, type LocalStack } from '../../src/local/stack.js';
import { signInSplit } from './instances-support.js';

// Its own file: the in-process local host loads the app once per process, with one stack's settings.
const ONE = { register: 1, authorize: 1, consent: 1, callback: 1, token: 1 };

describe('an open SSE stream whose upstream ends', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ gatewayPort: 0, log: () => {} });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  test('the client sees the stream end cleanly (no reset, no hang)', async () => {
    const { accessToken } = await signInSplit(stack, ONE);
    const response = await fetch(stack.urls.mcpSse, { headers: { accept: 'text/event-stream', authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('event: endpoint')) seen += (await reader.read()).value ?? '';
    // The extension's side of the stream goes away (as when its host stops).
    await stack.host!.endStreams();
    for (;;) {
      const { done } = await reader.read(); // rejects if the stream was cut instead of ended
      if (done) break;
    }
  });
});
