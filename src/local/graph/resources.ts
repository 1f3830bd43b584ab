import type { GraphCaller } from './auth.js';
import {
  GROUP_PROPERTIES,
  USER_DEFAULT_PROPERTIES,
  USER_PROPERTIES,
  toGraphGroup,
  toGraphUser,
  type DirectoryUser,
  type GraphDirectory,
  type GraphObject,
} from './directory.js';
import { AuthorizationRequestDeniedError, BadRequestError, GraphError } from './errors.js';
import { normalizePath } from './faults.js';

/** Delegated scopes that let a caller read its own profile (`User.Read` or broader). */
const READ_SELF_SCOPES = [
  'User.Read',
  'User.ReadWrite',
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
];
/** Delegated scopes that let a caller read groups in full (not only their ids). */
const READ_GROUP_SCOPES = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
];

export interface ResourceRequest {
  /** Path without the query, e.g. `/v1.0/me`. */
  path: string;
  query: URLSearchParams;
  caller: GraphCaller;
  user: DirectoryUser;
  directory: GraphDirectory;
  /** The emulator's base URL, for `@odata.context`. */
  baseUrl: string;
  /** The parsed JSON body of a POST (actions), else undefined. */
  body?: unknown;
}

export interface Resource {
  /** Default GET; actions such as `checkMemberGroups` are POST. */
  method?: 'GET' | 'POST';
  /** Delegated scopes, any one of which lets a caller read it (Graph's permission table). */
  scopes: readonly string[];
  read(req: ResourceRequest): GraphObject;
}

/** The routes the emulator serves, by normalized path. */
export const RESOURCES: Record<string, Resource> = {
  '/v1.0/me': { scopes: READ_SELF_SCOPES, read: me },
  '/v1.0/me/memberof': { scopes: [...READ_SELF_SCOPES, ...READ_GROUP_SCOPES], read: memberOf },
  // For the signed-in user, User.Read is enough (Graph's permission table for checkMemberGroups).
  '/v1.0/me/checkmembergroups': { method: 'POST', scopes: [...READ_SELF_SCOPES, ...READ_GROUP_SCOPES], read: checkMemberGroups },
};

/** Graph's limit: at most 20 group ids per `checkMemberGroups` request. */
export const CHECK_MEMBER_GROUPS_LIMIT = 20;

/** `POST /me/checkMemberGroups {"groupIds": [...]}`: those of the ids the user is a member of. */
function checkMemberGroups({ body, user, baseUrl }: ResourceRequest): GraphObject {
  const ids = (body as { groupIds?: unknown } | undefined)?.groupIds;
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
    throw new BadRequestError("The request body must contain 'groupIds', an array of group object ids.");
  }
  if (ids.length > CHECK_MEMBER_GROUPS_LIMIT) {
    throw new BadRequestError(`The number of groupIds exceeds the maximum of ${CHECK_MEMBER_GROUPS_LIMIT}.`);
  }
  const member = new Set((user.groups ?? []).map((g) => g.toLowerCase()));
  return { '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(Edm.String)`, value: ids.filter((id) => member.has(id.toLowerCase())) };
}

const hasAny = (scopes: string[], wanted: readonly string[]) => scopes.some((s) => wanted.some((w) => w.toLowerCase() === s.toLowerCase()));

/** What Graph says to a `/me` call that cannot be answered for this caller. */
export function requireDelegatedScope(caller: GraphCaller, resource: Resource): void {
  if (caller.scopes.length === 0) {
    throw new BadRequestError('/me request is only valid with delegated authentication flow.');
  }
  if (!hasAny(caller.scopes, resource.scopes)) throw new AuthorizationRequestDeniedError();
}

function me({ query, user, baseUrl }: ResourceRequest): GraphObject {
  const full = toGraphUser(user);
  const selected = parseSelect(query, USER_PROPERTIES, 'microsoft.graph.user');
  const properties = selected ?? USER_DEFAULT_PROPERTIES;
  const context = selected ? `${baseUrl}/v1.0/$metadata#users(${selected.join(',')})/$entity` : `${baseUrl}/v1.0/$metadata#users/$entity`;
  return { '@odata.context': context, ...pick(full, properties) };
}

function memberOf({ query, user, caller, directory, baseUrl }: ResourceRequest): GraphObject {
  const full = hasAny(caller.scopes, READ_GROUP_SCOPES);
  const selected = parseSelect(query, GROUP_PROPERTIES, 'microsoft.graph.directoryObject');
  const value = (user.groups ?? []).map((id) => {
    const group = toGraphGroup(
      id,
      directory.groups.find((g) => g.id === id),
      full,
    );
    return selected ? { '@odata.type': group['@odata.type'], ...pick(group, selected) } : group;
  });
  return { '@odata.context': `${baseUrl}/v1.0/$metadata#directoryObjects`, value };
}

/**
 * `$select=a,b`: the named properties, matched case-insensitively and returned with Graph's casing.
 * An unknown name is Graph's 400 `BadRequest`.
 */
function parseSelect(query: URLSearchParams, known: readonly string[], type: string): string[] | undefined {
  const raw = query.get('$select') ?? query.get('select');
  if (raw === null) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new BadRequestError('Invalid $select: the query option must name at least one property.');
  return [...new Set(names)].map((name) => {
    const property = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!property) throw new BadRequestError(`Could not find a property named '${name}' on type '${type}'.`);
    return property;
  });
}

function pick(source: GraphObject, properties: readonly string[]): GraphObject {
  return Object.fromEntries(properties.map((p) => [p, source[p] ?? null]));
}

/** The resource for a path, or Graph's error for an unknown segment or version. */
export function findResource(path: string): Resource {
  const normalized = normalizePath(path);
  const resource = RESOURCES[normalized];
  if (resource) return resource;
  const [, version, ...segments] = normalized.split('/');
  // Only v1.0 is emulated; Graph's answer to a version it does not know is the same 400.
  if (version !== 'v1.0') throw new GraphError(400, 'BadRequest', 'Invalid version.');
  const unknown = segments.find((_, i) => !RESOURCES[`/v1.0/${segments.slice(0, i + 1).join('/')}`]);
  throw new BadRequestError(`Resource not found for the segment '${unknown ?? version}'.`);
}
