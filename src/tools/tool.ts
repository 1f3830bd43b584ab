import type { InvocationContext, McpToolResponse as McpToolResult } from '@azure/functions';
import { McpTextContent, McpToolResponse } from './functions-runtime.js';
import { authorize, type GroupPermissionMap } from '../authz/requirements.js';
import type { ToolDefinition } from './define.js';
import { describeRefusal } from '../authz/refusal.js';
import type { GraphClient } from '../entra/graph.js';
import type { OboClient } from '../entra/obo.js';
import type { GrantService } from '../oauth/grants.js';
import type { ClientStore } from '../store/clients.js';
import { InternalToolError, PermissionDeniedError, toToolError, type ToolError } from './errors.js';
import { requireSignInAgain } from './sign-in-again.js';
import { verifyToolUser, type ToolUserDeps, type VerifiedToolUser } from './tool-user.js';
import type { ClaimsChallengeStore } from '../store/claims-challenges.js';

export type { ToolDefinition } from './define.js';

export interface ToolCall {
  user: VerifiedToolUser;
  /** The tool's arguments as the client sent them (the extension only checks required ones are present). */
  args: Record<string, unknown>;
  /** For audit lines; never pass a token. */
  log(message: string): void;
}

/** `text` for the user (and clients that read only text), `data` as structured content. */
export interface ToolOutput {
  text: string;
  data: Record<string, unknown>;
}

/** What the tools use, built once per process (see `createToolDeps`). */
export interface ToolDeps {
  user: ToolUserDeps;
  groupPermissions: GroupPermissionMap;
  /** The gateway's Entra application (client) id, named in messages that tell an admin where to look. */
  appId: string;
  graphBaseUrl: string;
  obo: OboClient;
  graph: GraphClient;
  clients: Pick<ClientStore, 'listClients' | 'deleteClient'>;
  grants: Pick<GrantService, 'revokeClientGrants' | 'revokeGrant'>;
  /** Conditional Access claims challenges kept for the user's next sign-in (see `requireSignInAgain`). */
  claimsChallenges: Pick<ClaimsChallengeStore, 'put'>;
  now?: () => number;
}

/** The tool-invocation context's `arguments` (`{ name, arguments, transport, … }` from the extension). */
export function argumentsOf(toolArgument: unknown): Record<string, unknown> {
  // The library parses the trigger's JSON; a host that hands over the raw string is accepted too.
  let context = toolArgument;
  if (typeof context === 'string') {
    try {
      context = JSON.parse(context) as unknown;
    } catch {
      return {};
    }
  }
  const args = (context as { arguments?: unknown } | null)?.arguments;
  return args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
}

export function okResponse(output: ToolOutput): McpToolResult {
  return new McpToolResponse({ content: [new McpTextContent(output.text)], structuredContent: output.data });
}

/**
 * A refusal or failure as a *returned* result (a thrown error reaches the client only as "An error
 * occurred invoking …"). `isError` is set, but note: `@azure/functions` 4.16 serialises a tool result
 * as `{ type, content, structuredContent }` and the extension builds the MCP result from that, so the
 * flag does not reach the client today. The client sees the message as text and
 * `structuredContent.error.code`, which is what our tests and docs rely on.
 */
export function errorResponse(error: ToolError): McpToolResult {
  return new McpToolResponse({
    content: [new McpTextContent(error.message)],
    structuredContent: { error: { code: error.code, message: error.message, ...error.details() } },
    isError: true,
  });
}

/** Verifies the caller, checks the tool's requirements, runs it, and answers every outcome as a result. */
export async function runTool(tool: ToolDefinition, deps: ToolDeps, toolArgument: unknown, context: InvocationContext): Promise<McpToolResult> {
  let user: VerifiedToolUser | undefined;
  try {
    user = await verifyToolUser(toolArgument, { ...deps.user, warn: (m) => context.warn(`${tool.name}: ${m}`) });
    const decision = authorize(user, tool.requires, deps.groupPermissions);
    if (!decision.allowed) {
      context.warn(
        `${tool.name}: refused for user ${user.oid} (missing roles [${decision.missingRoles}], permissions [${decision.missingPermissions}], scopes [${decision.missingScopes}])`,
      );
      return errorResponse(new PermissionDeniedError(describeRefusal(tool.name, decision, deps.appId), decision));
    }
    const log = (message: string) => context.info(`${tool.name}: ${message}`);
    return okResponse(await tool.run({ user, args: argumentsOf(toolArgument), log }, deps));
  } catch (err) {
    const again = user && (await signInAgain(err, user, tool, deps, context));
    const known = again ?? toToolError(err, { appId: deps.appId, ...tool.downstream });
    if (known) {
      // Our own messages: they name codes and settings, never a token.
      context.warn(`${tool.name}: ${known.code}: ${known.message}`);
      return errorResponse(known);
    }
    // Only the kind and message of an unknown error (never its cause or stack, which may quote a request).
    context.error(`${tool.name} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown'}`);
    return errorResponse(new InternalToolError(`${tool.name} failed unexpectedly; the gateway's administrator can find the cause in its logs.`));
  }
}

/** `requireSignInAgain` with the tool's deps; a failure to record it is logged and the plain message is shown. */
async function signInAgain(
  err: unknown,
  user: VerifiedToolUser,
  tool: ToolDefinition,
  deps: ToolDeps,
  context: InvocationContext,
): Promise<ToolError | undefined> {
  try {
    const signInDeps = { claimsChallenges: deps.claimsChallenges, grants: deps.grants, now: deps.now ?? Date.now };
    return await requireSignInAgain(err, user, tool.downstream?.api ?? 'the downstream API', signInDeps, (m) => context.info(`${tool.name}: ${m}`));
  } catch (failure) {
    context.error(`${tool.name}: could not prepare the new sign-in: ${failure instanceof Error ? `${failure.name}: ${failure.message}` : 'non-error thrown'}`);
    return undefined;
  }
}
