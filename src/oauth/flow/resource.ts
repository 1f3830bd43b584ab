import { InvalidTargetError } from '../errors.js';

/**
 * The RFC 8707 `resource` an MCP client may name: the gateway's one protected resource,
 * `{BASE_URL}/mcp`, as the PRM says. `{BASE_URL}/mcp/sse` is accepted as the same resource because a
 * client that found no PRM derives `resource` from the URL it was given, and legacy SSE clients are
 * given `/mcp/sse`; tokens are always issued for the canonical `{BASE_URL}/mcp` (the MCP gateway checks
 * `aud` against it for both transports). Absent: the canonical resource (there is no other).
 *
 * MCP Inspector 0.15 (the last release for Node 20) sends the literal string "undefined" when it has no
 * resource; it is read as absent. That is safe: an absent resource already means the one resource.
 */
export function canonicalResource(requested: string | null | undefined, mcpResource: string): string {
  if (requested === null || requested === undefined || requested === 'undefined') return mcpResource;
  if (requested === mcpResource || requested === `${mcpResource}/sse`) return mcpResource;
  const shown = requested.length > 200 ? `${requested.slice(0, 200)}…` : requested;
  throw new InvalidTargetError(`The resource "${shown}" is not served by this authorization server. Use ${mcpResource}.`);
}
