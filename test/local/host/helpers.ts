import { fileURLToPath } from 'node:url';
import { startLocalHost, type LocalHost, type LocalHostOptions } from '../../../src/local/host/index.js';

/** The compiled fixture app and its host.json (`routePrefix: "fx"`, custom MCP server info). */
export const fixtureEntry = fileURLToPath(new URL('../../fixtures/host-app/index.js', import.meta.url));
export const fixtureHostJson = fileURLToPath(new URL('../../../../test/fixtures/host-app/host.json', import.meta.url));

export const keys = {
  master: 'master-key-for-tests',
  functionKeys: { default: 'function-key-for-tests' },
  systemKeys: { mcp_extension: 'mcp-extension-key-for-tests' },
};

/** Starts the fixture app on an ephemeral port; logs are collected instead of printed. */
export function startFixtureHost(options: Partial<LocalHostOptions> = {}): Promise<LocalHost & { logs: string[] }> {
  const logs: string[] = [];
  return startLocalHost({
    appEntry: fixtureEntry,
    port: 0,
    hostJsonPath: fixtureHostJson,
    log: (level, message) => logs.push(`${level}: ${message}`),
    ...options,
  }).then((host) => Object.assign(host, { logs }));
}

/** Reads an event stream's body and yields complete events (`event`/`data` lines) as they arrive. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event?: string; data: string }> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      yield { event, data };
    }
  }
}

export const mcpAccept = 'application/json, text/event-stream';

/** POSTs one JSON-RPC message to the streamable endpoint over raw HTTP. */
export function postMcp(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/runtime/webhooks/mcp`, {
    method: 'POST',
    headers: { accept: mcpAccept, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
