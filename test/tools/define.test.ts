import { toolPropertiesOf } from '../../src/tools/functions-runtime.js';
import { TOOL_REQUIREMENTS, TOOLS } from '../../src/tools/requirements-table.js';
import { myManagerTool } from '../fixtures/example-tool.js';

describe('adding a tool: one file with defineTool, one line in the registry', () => {
  test('plain arguments become the @azure/functions builders (required unless optional), without importing arg in the tool', () => {
    const properties = toolPropertiesOf({
      client_id: { type: 'string', description: 'which client' },
      limit: { type: 'number', description: 'how many', optional: true },
    });
    expect(Object.keys(properties)).toEqual(['client_id', 'limit']);
    expect(properties.client_id).toMatchObject({ isRequired: true });
    expect(properties.limit).toMatchObject({ isRequired: false });
    expect(toolPropertiesOf()).toEqual({});
  });

  test("the walk-through's example tool has the shape a registered tool has", () => {
    expect(myManagerTool).toMatchObject({ name: 'get_my_manager', requires: { scopes: ['mcp:tools'], roles: ['MCP.User'] } });
    expect(Object.keys(toolPropertiesOf(myManagerTool.args))).toEqual(['fields']);
  });

  test('every registered tool has a unique snake_case name and its requirements in the table', () => {
    const names = TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const tool of TOOLS) {
      expect(tool.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(TOOL_REQUIREMENTS[tool.name]).toBe(tool.requires);
    }
  });
});
