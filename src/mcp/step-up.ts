import * as z from 'zod';
import type { ToolRequirements } from '../authz/requirements.js';
import { entitledScopes, type EntitledUser } from '../authz/entitlement.js';
import type { GroupPermissionMap } from '../authz/requirements.js';
import { InsufficientScopeError } from '../oauth/errors.js';
import { TOOL_REQUIREMENTS } from '../tools/requirements-table.js';

/**
 * The MCP authorization spec's step-up: a `tools/call` of a tool that needs a scope the session was
 * not granted is answered by the gateway with 403 `insufficient_scope` and the scopes to ask for,
 * without forwarding, so the client can authorize again with them. Only *scopes* are checked here:
 * they belong to the token, so a new authorization can fix them. App roles and group permissions
 * belong to the user and stay checked in the tool (which also re-checks the scopes: this is the
 * client-facing signal, the tool is the enforcement).
 */

/** Tool name → requirements; the tools' own table (`src/tools/requirements-table.ts`) by default. */
export type RequirementTable = Readonly<Record<string, ToolRequirements>>;

/** Only what the decision needs; other fields (`jsonrpc`, `id`, `arguments`) are the extension's to judge. */
const ToolsCall = z.object({ method: z.literal('tools/call'), params: z.object({ name: z.string() }) });

export interface StepUp {
  /** The called tools that need more (as the table names them). */
  tools: string[];
  /** Scopes they need that the session lacks. */
  missingScopes: string[];
  /** What to ask for: the session's scopes plus the missing ones (the spec's suggestion). */
  scope: string[];
}

/**
 * The tool names of every `tools/call` in a JSON-RPC message or batch. Anything else — another
 * method, a malformed call, a body that is not JSON — yields none and is forwarded unchanged, so the
 * extension answers it as it would without the gateway.
 */
export function calledTools(body: string): string[] {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return [];
  }
  const items: unknown[] = Array.isArray(message) ? message : [message];
  return items.flatMap((item) => {
    const call = ToolsCall.safeParse(item);
    return call.success ? [call.data.params.name] : [];
  });
}

/**
 * The table's name for a called tool, as the extension would resolve it: its registry matches names
 * ignoring case (the local host's does too), so `LIST_CLIENTS` must not slip past. Comparing both
 * lower- and upper-cased forms also catches characters whose case mappings are one-way (`ſ`, `K`).
 * An unknown name has none: the extension answers it.
 */
export function tableName(name: string, table: RequirementTable = TOOL_REQUIREMENTS): string | undefined {
  if (Object.hasOwn(table, name)) return name;
  const lower = name.toLowerCase();
  const upper = name.toUpperCase();
  return Object.keys(table).find((k) => k.toLowerCase() === lower || k.toUpperCase() === upper);
}

/** Whether a request body calls tools that need scopes beyond `sessionScopes`; `undefined` when not. */
export function stepUpFor(body: string, sessionScopes: readonly string[], table: RequirementTable = TOOL_REQUIREMENTS): StepUp | undefined {
  const tools: string[] = [];
  const missing = new Set<string>();
  for (const called of calledTools(body)) {
    const name = tableName(called, table);
    if (name === undefined) continue;
    const lacking = (table[name]?.scopes ?? []).filter((s) => !sessionScopes.includes(s));
    if (lacking.length === 0) continue;
    if (!tools.includes(name)) tools.push(name);
    for (const s of lacking) missing.add(s);
  }
  if (missing.size === 0) return undefined;
  const missingScopes = [...missing];
  return { tools, missingScopes, scope: [...new Set([...sessionScopes, ...missingScopes])] };
}

/**
 * The step-up narrowed to the scopes this user could be granted (`entitlement.ts`), or `undefined`
 * when none: a new authorization would grant the same scopes again, so asking for one would loop.
 * The call is then forwarded, and the tool explains which role or permission is missing.
 */
export function grantableStepUp(stepUp: StepUp | undefined, user: EntitledUser, groupPermissions: GroupPermissionMap): StepUp | undefined {
  if (!stepUp) return undefined;
  const missingScopes = entitledScopes(stepUp.missingScopes, user, groupPermissions);
  if (missingScopes.length === 0) return undefined;
  const scope = stepUp.scope.filter((s) => !stepUp.missingScopes.includes(s) || missingScopes.includes(s));
  return { ...stepUp, missingScopes, scope };
}

/** The 403 the gateway answers for a step-up; its challenge names `scope` instead of the route's default. */
export class StepUpRequiredError extends InsufficientScopeError {
  readonly scope: readonly string[];

  constructor(stepUp: StepUp) {
    const quote = (items: readonly string[]) => items.map((s) => `"${s}"`).join(', ');
    const subject = stepUp.tools.length === 1 ? `The tool ${quote(stepUp.tools)} needs` : `The tools ${quote(stepUp.tools)} need`;
    super(
      `${subject} the scope ${quote(stepUp.missingScopes)}, which this session was not granted. ` + `Authorize again with scope "${stepUp.scope.join(' ')}".`,
    );
    this.scope = stepUp.scope;
  }
}
