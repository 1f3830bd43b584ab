import { rewriteSse } from '../../src/mcp/sse-rewrite.js';

async function run(chunks: string[], rewrite = async (d: string) => `/mcp/message?session=S(${d})`): Promise<string> {
  const encoder = new TextEncoder();
  const out = rewriteSse(
    (async function* () {
      for (const chunk of chunks) yield encoder.encode(chunk);
    })(),
    { rewriteEndpoint: rewrite },
  );
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of out) text += decoder.decode(chunk, { stream: true });
  return text;
}

describe('mcp sse rewriting: the endpoint event leads back through the gateway', () => {
  test('the endpoint event data is rewritten; other events pass unchanged', async () => {
    const text = await run(['event: endpoint\ndata: message?azmcpcs=abc&code=KEY\n\n', 'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n']);
    expect(text).toBe(
      'event: endpoint\ndata: /mcp/message?session=S(message?azmcpcs=abc&code=KEY)\n\n' + 'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n',
    );
    expect(text).not.toContain('\ndata: message?');
  });

  test('events split across chunks, CRLF line ends, ids, comments and multi-line data survive', async () => {
    const text = await run([': keep-alive\r\n\r\nid: 7\r\nevent: end', 'point\r\ndata: message?azmcpcs=x\r\n\r\nretry: 1000\n\ndata: a\ndata: b\n\n']);
    expect(text).toBe(
      ': keep-alive\n\n' + 'id: 7\nevent: endpoint\ndata: /mcp/message?session=S(message?azmcpcs=x)\n\n' + 'retry: 1000\n\n' + 'data: a\ndata: b\n\n',
    );
  });

  test('a rewrite that refuses ends the stream with an error instead of leaking the endpoint', async () => {
    await expect(
      run(['event: endpoint\ndata: http://elsewhere/x\n\n'], async () => {
        throw new Error('unexpected endpoint');
      }),
    ).rejects.toThrow('unexpected endpoint');
  });
});
