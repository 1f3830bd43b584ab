import { formatBearerChallenge } from '../../src/mcp/challenge.js';
import { calledTools, stepUpFor, StepUpRequiredError, tableName, type RequirementTable } from '../../src/mcp/step-up.js';
import { TOOL_REQUIREMENTS } from '../../src/tools/requirements-table.js';
import { TOOLS } from '../../src/tools/wiring.js';

const TOOLS_ONLY = ['mcp:tools'];
const BOTH = ['mcp:tools', 'mcp:admin'];
const call = (name: unknown, id: number | string = 1) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
const body = (message: unknown) => JSON.stringify(message);

describe('step-up: one requirement table for the tools and the gateway', () => {
  test("the table is the registered tools' own declarations, and names no other tool", () => {
    expect(Object.keys(TOOL_REQUIREMENTS).sort()).toEqual(TOOLS.map((t) => t.name).sort());
    for (const tool of TOOLS) expect(tool.requires).toBe(TOOL_REQUIREMENTS[tool.name]);
  });

  test('the admin tools need mcp:admin, the others mcp:tools', () => {
    expect(TOOL_REQUIREMENTS.list_clients?.scopes).toEqual(['mcp:admin']);
    expect(TOOL_REQUIREMENTS.revoke_client?.scopes).toEqual(['mcp:admin']);
    expect(TOOL_REQUIREMENTS.whoami?.scopes).toEqual(['mcp:tools']);
    expect(TOOL_REQUIREMENTS.get_graph_user_details?.scopes).toEqual(['mcp:tools']);
  });
});

describe('step-up: which calls need which scopes', () => {
  test("an admin tool called with mcp:tools only: the missing scope, and the session's plus the missing to ask for", () => {
    expect(stepUpFor(body(call('list_clients')), TOOLS_ONLY)).toEqual({
      tools: ['list_clients'],
      missingScopes: ['mcp:admin'],
      scope: ['mcp:tools', 'mcp:admin'],
    });
    expect(stepUpFor(body(call('revoke_client')), TOOLS_ONLY)?.tools).toEqual(['revoke_client']);
  });

  test('a session with the scope passes; a tool that needs only mcp:tools passes', () => {
    expect(stepUpFor(body(call('list_clients')), BOTH)).toBeUndefined();
    expect(stepUpFor(body(call('whoami')), TOOLS_ONLY)).toBeUndefined();
    expect(stepUpFor(body(call('get_graph_user_details')), TOOLS_ONLY)).toBeUndefined();
  });

  test("roles and permissions are not the gateway's to check: only scopes count", () => {
    // get_graph_user_details needs a role, which a session with the right scopes may still lack.
    expect(stepUpFor(body(call('get_graph_user_details')), TOOLS_ONLY)).toBeUndefined();
  });

  test('the tool name is matched ignoring case, as the extension matches it', () => {
    for (const name of ['LIST_CLIENTS', 'List_Clients', 'liſt_clients', 'revoKe_client']) {
      expect(stepUpFor(body(call(name)), TOOLS_ONLY)?.missingScopes).toEqual(['mcp:admin']);
    }
    expect(tableName('LIST_CLIENTS')).toBe('list_clients');
    expect(stepUpFor(body(call('LIST_CLIENTS')), TOOLS_ONLY)?.tools).toEqual(['list_clients']);
  });

  test('unknown tools, and names that are properties of every object, pass through', () => {
    for (const name of ['no_such_tool', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '']) {
      expect(stepUpFor(body(call(name)), TOOLS_ONLY)).toBeUndefined();
    }
  });

  test('batches: every call is checked; each tool and scope is named once', () => {
    expect(stepUpFor(body([call('whoami', 1), call('list_clients', 2)]), TOOLS_ONLY)?.tools).toEqual(['list_clients']);
    expect(stepUpFor(body([call('list_clients', 1), call('revoke_client', 2), call('list_clients', 3)]), TOOLS_ONLY)).toEqual({
      tools: ['list_clients', 'revoke_client'],
      missingScopes: ['mcp:admin'],
      scope: ['mcp:tools', 'mcp:admin'],
    });
    expect(stepUpFor(body([{ jsonrpc: '2.0', method: 'notifications/initialized' }, null, 7, call('revoke_client')]), TOOLS_ONLY)?.tools).toEqual([
      'revoke_client',
    ]);
    expect(stepUpFor(body([call('whoami', 1), call('get_graph_user_details', 2)]), TOOLS_ONLY)).toBeUndefined();
  });

  test('other methods are forwarded unchanged', () => {
    for (const method of ['initialize', 'tools/list', 'ping', 'resources/read', 'Tools/Call']) {
      expect(stepUpFor(body({ jsonrpc: '2.0', id: 1, method, params: { name: 'list_clients' } }), TOOLS_ONLY)).toBeUndefined();
    }
  });

  test('malformed bodies are forwarded (the extension answers them), never crash the check', () => {
    const malformed = [
      '',
      'not json',
      '{"method":"tools/call"',
      'null',
      '"tools/call"',
      '[]',
      '[[{"method":"tools/call","params":{"name":"list_clients"}}]]',
      '{"method":"tools/call"}',
      '{"method":"tools/call","params":null}',
      '{"method":"tools/call","params":{"name":42}}',
      '{"method":"tools/call","params":["list_clients"]}',
      '['.repeat(200_000) + ']'.repeat(200_000),
    ];
    for (const text of malformed) {
      expect(() => stepUpFor(text, TOOLS_ONLY)).not.toThrow();
      expect(stepUpFor(text, TOOLS_ONLY)).toBeUndefined();
    }
  });

  test('calledTools lists the names of every tools/call, in order', () => {
    expect(calledTools(body([call('a'), { method: 'tools/list' }, call('b')]))).toEqual(['a', 'b']);
    // A call missing `jsonrpc` or `id` is still a call: leniency here cannot let a call slip past.
    expect(calledTools(body({ method: 'tools/call', params: { name: 'list_clients' } }))).toEqual(['list_clients']);
  });

  test('a table passed in decides, including several missing scopes', () => {
    const table: RequirementTable = { deploy: { scopes: ['mcp:tools', 'mcp:deploy', 'mcp:admin'] } };
    expect(stepUpFor(body(call('deploy')), TOOLS_ONLY, table)).toEqual({
      tools: ['deploy'],
      missingScopes: ['mcp:deploy', 'mcp:admin'],
      scope: ['mcp:tools', 'mcp:deploy', 'mcp:admin'],
    });
    expect(stepUpFor(body(call('list_clients')), TOOLS_ONLY, table)).toBeUndefined();
  });
});

describe('step-up: the error the gateway answers', () => {
  test('403 insufficient_scope naming the tool, the missing scope and what to ask for', () => {
    const error = new StepUpRequiredError(stepUpFor(body(call('list_clients')), TOOLS_ONLY)!);
    expect(error.status).toBe(403);
    expect(error.toResponseObject()).toEqual({
      error: 'insufficient_scope',
      error_description:
        'The tool "list_clients" needs the scope "mcp:admin", which this session was not granted. Authorize again with scope "mcp:tools mcp:admin".',
    });
    expect(error.scope).toEqual(['mcp:tools', 'mcp:admin']);
    expect(
      formatBearerChallenge({
        resourceMetadataUrl: 'https://gw.example/.well-known/oauth-protected-resource/mcp',
        scope: error.scope.join(' '),
        error: 'insufficient_scope',
      }),
    ).toBe('Bearer resource_metadata="https://gw.example/.well-known/oauth-protected-resource/mcp", scope="mcp:tools mcp:admin", error="insufficient_scope"');
  });

  test('several tools are named together', () => {
    const error = new StepUpRequiredError(stepUpFor(body([call('list_clients'), call('revoke_client')]), TOOLS_ONLY)!);
    expect(error.description).toContain('The tools "list_clients", "revoke_client" need the scope "mcp:admin"');
  });
});
