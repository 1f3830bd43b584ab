/**
 * What the landing page tells each MCP client, as data: the page renders it, and the tests run it —
 * the end-to-end test starts mcp-remote with the Claude Desktop snippet's own command and arguments,
 * the browser test follows the MCP Inspector steps one by one. Change a snippet here and the tests
 * check the new text.
 */

/** The server name the snippets register the gateway under. */
export const SERVER_NAME = 'entra-gateway';

export interface ClientSnippet {
  /** The HTML id of its section (`#claude-code`, …). */
  id: string;
  client: string;
  /** One sentence: where the snippet goes. */
  where: string;
  /** The text to copy: a command or a configuration file. */
  code: string;
  /** What happens next, in one or two sentences. */
  then: string;
  /** The client's own documentation. */
  docs: string;
}

export function clientSnippets(mcpUrl: string): ClientSnippet[] {
  return [
    {
      id: 'claude-code',
      client: 'Claude Code',
      where: 'In a terminal:',
      code: `claude mcp add --transport http ${SERVER_NAME} ${mcpUrl}`,
      then: `Then, inside Claude Code: /mcp → ${SERVER_NAME} → Authenticate. Your browser opens the consent page and the Entra sign-in.`,
      docs: 'https://docs.anthropic.com/en/docs/claude-code/mcp',
    },
    {
      id: 'claude-desktop',
      client: 'Claude Desktop (through mcp-remote)',
      where: 'In claude_desktop_config.json (Settings → Developer → Edit Config):',
      code: json({ mcpServers: { [SERVER_NAME]: { command: 'npx', args: ['-y', 'mcp-remote', mcpUrl] } } }),
      then: 'Restart Claude Desktop; mcp-remote opens the sign-in in your browser and keeps its tokens in ~/.mcp-auth.',
      docs: 'https://www.npmjs.com/package/mcp-remote',
    },
    {
      id: 'cursor',
      client: 'Cursor',
      where: 'In ~/.cursor/mcp.json (or .cursor/mcp.json in a project):',
      code: json({ mcpServers: { [SERVER_NAME]: { url: mcpUrl } } }),
      then: `Cursor shows "Needs login" next to ${SERVER_NAME} in its MCP settings; click it to sign in.`,
      docs: 'https://docs.cursor.com/context/model-context-protocol',
    },
    {
      id: 'vs-code',
      client: 'VS Code',
      where: 'In .vscode/mcp.json (or the user mcp.json: "MCP: Open User Configuration"):',
      code: json({ servers: { [SERVER_NAME]: { type: 'http', url: mcpUrl } } }),
      then: 'Start the server from the file (Start above its name); VS Code asks to sign in.',
      docs: 'https://code.visualstudio.com/docs/copilot/chat/mcp-servers',
    },
    {
      id: 'chatgpt',
      client: 'ChatGPT',
      where: 'Settings → Apps & Connectors → Advanced settings → Developer mode on; then Create:',
      code: `MCP Server URL: ${mcpUrl}\nAuthentication: OAuth`,
      then: 'ChatGPT reaches the server from the internet, so this needs the deployed gateway (https), not npm start.',
      docs: 'https://platform.openai.com/docs/guides/developer-mode',
    },
  ];
}

/**
 * One step in MCP Inspector's UI. `choose` picks `value` in the select labelled `label`; `fill` types
 * `value` into the field labelled `label`; `click` presses the control of that role and name;
 * `sign-in` is the gateway's consent page (Approve) and the Entra sign-in.
 */
export type InspectorStep =
  | { do: 'choose'; label: string; value: string }
  | { do: 'fill'; label: string; value: string }
  | { do: 'click'; role: 'button' | 'tab' | 'text'; name: string }
  | { do: 'sign-in' };

export const INSPECTOR_DOCS = 'https://modelcontextprotocol.io/docs/tools/inspector';
export const INSPECTOR_COMMAND = 'npx @modelcontextprotocol/inspector';

/** The tool the Inspector steps run at the end (reads your profile from Microsoft Graph). */
export const INSPECTOR_TOOL = 'get_graph_user_details';

const TRY_A_TOOL: InspectorStep[] = [
  { do: 'click', role: 'tab', name: 'Tools' },
  { do: 'click', role: 'button', name: 'List Tools' },
  { do: 'click', role: 'text', name: INSPECTOR_TOOL },
  { do: 'click', role: 'button', name: 'Run Tool' },
];

/**
 * MCP Inspector 0.15 (the last release that runs on Node 20). Over SSE, Connect starts OAuth by itself.
 * Over streamable HTTP its proxy reports the first 401 as "Connection Error" instead, so OAuth goes
 * through "Open Auth Settings" → "Quick OAuth Flow" first, then Connect.
 */
export function inspectorSteps(transport: 'sse' | 'streamable-http', url: string): InspectorStep[] {
  const connection: InspectorStep[] = [
    { do: 'choose', label: 'Transport Type', value: transport === 'sse' ? 'SSE' : 'Streamable HTTP' },
    { do: 'fill', label: 'URL', value: url },
  ];
  const signIn: InspectorStep[] =
    transport === 'sse'
      ? [{ do: 'click', role: 'button', name: 'Connect' }, { do: 'sign-in' }]
      : [
          { do: 'click', role: 'button', name: 'Open Auth Settings' },
          { do: 'click', role: 'button', name: 'Quick OAuth Flow' },
          { do: 'sign-in' },
          { do: 'click', role: 'button', name: 'Connect' },
        ];
  return [...connection, ...signIn, ...TRY_A_TOOL];
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
