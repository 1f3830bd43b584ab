import { EventSourceParserStream } from 'eventsource-parser/stream';
import { fail, ok, reason, skip, type CheckResult, type DoctorContext } from './types.js';

const NAME = 'MCP extension';

/** The MCP extension answers a `tools/list` sent with the gateway's key (MCP_EXTENSION_KEY). */
export async function checkExtension({ config }: DoctorContext): Promise<CheckResult> {
  const { url, key } = config.mcpExtension;
  if (!key) return skip(NAME, 'MCP_EXTENSION_KEY is not set (in Azure the postdeploy hook stores it in Key Vault)');
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-functions-key': key },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      redirect: 'error',
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 401 || res.status === 403) {
      return fail(
        NAME,
        `${url} refused MCP_EXTENSION_KEY (${res.status}).`,
        "set MCP_EXTENSION_KEY to the app's mcp_extension system key: az functionapp keys list -g <rg> -n <app> --query systemKeys.mcp_extension (azd: the postdeploy hook).",
      );
    }
    if (!res.ok || !res.body)
      return fail(
        NAME,
        `${url} answered ${res.status}.`,
        "check MCP_EXTENSION_URL ({GATEWAY_BASE_URL}/runtime/webhooks/mcp) and that the app's MCP tools are deployed.",
      );
    const tools = await firstToolsList(res.body);
    if (!tools)
      return fail(NAME, `${url} answered without a tools/list result.`, "check MCP_EXTENSION_URL points at the Function App's /runtime/webhooks/mcp.");
    return ok(NAME, `tools/list with the gateway's key: ${tools.join(', ') || 'no tools'}`);
  } catch (err) {
    return fail(NAME, `${url}: ${reason(err)}`, 'check MCP_EXTENSION_URL and that the Function App is running.');
  }
}

async function firstToolsList(body: ReadableStream<Uint8Array>): Promise<string[] | undefined> {
  const events = body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const event of events) {
    const message = JSON.parse(event.data) as { id?: unknown; result?: { tools?: { name: string }[] } };
    if (message.id === 1) return message.result?.tools?.map((t) => t.name);
  }
  return undefined;
}
