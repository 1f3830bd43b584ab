// What every end-to-end test asks of a connected MCP client: the tools are there, and
// get_graph_user_details returns the signed-in user's profile from the Graph emulator.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export const PROFILE_TOOL = 'get_graph_user_details';

/** The text parts of a tool result, joined (tools answer with text content). */
export function resultText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content
    .filter((part) => part.type === 'text')
    .map((part) => part.text ?? '')
    .join('\n');
}

/** tools/list, then the profile tool; returns the tool names and the tool's text and error flag. */
export async function listAndCallProfile(client: Client): Promise<{ tools: string[]; text: string; isError: boolean }> {
  const { tools } = await client.listTools();
  const result = await client.callTool({ name: PROFILE_TOOL, arguments: {} });
  return { tools: tools.map((t) => t.name), text: resultText(result), isError: result.isError === true };
}
