import type { RegisteredFunction } from '../functions-core.cjs';

/** One `app.mcpTool` registration as the extension lists and finds it. */
export interface McpTool {
  fn: RegisteredFunction;
  triggerName: string;
  name: string;
  description: string;
  required: string[];
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

interface ToolProperty {
  propertyName?: string;
  propertyType?: string;
  description?: string;
  isRequired?: boolean;
  isArray?: boolean;
}

/** The app's MCP tools, in registration order. */
export function mcpToolsOf(functions: RegisteredFunction[]): McpTool[] {
  const tools: McpTool[] = [];
  for (const fn of functions) {
    const trigger = Object.entries(fn.metadata.bindings).find(([, b]) => b.type?.toLowerCase() === 'mcptooltrigger');
    if (!trigger) continue;
    const [triggerName, binding] = trigger;
    const properties = parseJson<ToolProperty[]>(binding.toolProperties) ?? [];
    const named = properties.filter((p) => typeof p.propertyName === 'string' && p.propertyName.trim() !== '');
    tools.push({
      fn,
      triggerName,
      name: String(binding.toolName ?? fn.metadata.name),
      description: String(binding.description ?? ''),
      required: [...new Set(named.filter((p) => p.isRequired).map((p) => p.propertyName!))],
      inputSchema: inputSchemaOf(named),
      outputSchema: parseJson(binding.resultSchema),
      meta: parseJson(binding.metadata),
    });
  }
  return tools;
}

/** Tool names are looked up case-insensitively, as the extension's registry does. */
export function findTool(tools: McpTool[], name: string): McpTool | undefined {
  const wanted = name.toLowerCase();
  return tools.find((t) => t.name.toLowerCase() === wanted);
}

/** Required properties that are missing or null; the extension does no type checks. */
export function missingRequired(tool: McpTool, args: Record<string, unknown> | undefined): string[] {
  return tool.required.filter((name) => args?.[name] === undefined || args[name] === null);
}

/** The `tools/list` entry: `outputSchema` and `_meta` only when the registration sets them. */
export function toListedTool(tool: McpTool): Record<string, unknown> {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema && { outputSchema: tool.outputSchema }),
    ...(tool.meta && { _meta: tool.meta }),
  };
}

/** `{type:"object", properties, required}`, `required` always present, as the extension builds it. */
function inputSchemaOf(properties: ToolProperty[]): Record<string, unknown> {
  const schemaProperties: Record<string, unknown> = {};
  for (const p of properties) {
    const type = p.propertyType ?? 'string';
    schemaProperties[p.propertyName!] = {
      ...(p.isArray ? { type: 'array', items: { type } } : { type }),
      description: p.description ?? '',
    };
  }
  const required = [...new Set(properties.filter((p) => p.isRequired).map((p) => p.propertyName!))];
  return { type: 'object', properties: schemaProperties, required };
}

function parseJson<T>(value: unknown): T | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}
