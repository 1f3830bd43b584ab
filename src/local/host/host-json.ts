import { readFileSync } from 'node:fs';

/** The parts of host.json the local host honours. */
export interface HostSettings {
  /** `extensions.http.routePrefix`, without slashes; "api" when unset, as the host. */
  routePrefix: string;
  mcp: { serverName: string; serverVersion: string; instructions?: string };
}

interface HostJson {
  extensions?: {
    http?: { routePrefix?: unknown };
    mcp?: { serverName?: unknown; serverVersion?: unknown; instructions?: unknown };
  };
}

export function readHostSettings(path: string): HostSettings {
  const json = JSON.parse(readFileSync(path, 'utf8')) as HostJson;
  const prefix = json.extensions?.http?.routePrefix;
  const mcp = json.extensions?.mcp ?? {};
  return {
    routePrefix: (typeof prefix === 'string' ? prefix : 'api').replace(/^\/+|\/+$/g, ''),
    mcp: {
      serverName: stringOr(mcp.serverName, 'Azure Functions MCP server'),
      serverVersion: stringOr(mcp.serverVersion, '1.0.0'),
      instructions: typeof mcp.instructions === 'string' && mcp.instructions !== '' ? mcp.instructions : undefined,
    },
  };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
