import { LOCAL_USERS } from '../defaults.js';

/**
 * A user as the Entra emulator's directory knows it (the fields of `LOCAL_USERS`), plus the optional
 * profile fields only Graph shows. Graph and Entra read the same list, so the `oid` in a token is the
 * `id` that `/me` returns.
 */
export interface DirectoryUser {
  oid: string;
  username: string;
  name: string;
  groups?: readonly string[];
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  jobTitle?: string | null;
  officeLocation?: string | null;
  businessPhones?: readonly string[];
  mobilePhone?: string | null;
  preferredLanguage?: string | null;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  description?: string | null;
}

/** The Graph emulator's view of the directory. */
export interface GraphDirectory {
  users: readonly DirectoryUser[];
  groups: readonly DirectoryGroup[];
}

/** Profile details for the default users, in the spirit of Microsoft's demo tenants. */
const DEFAULT_PROFILES: Record<string, Partial<DirectoryUser>> = {
  'adele@contoso.test': {
    givenName: 'Adele',
    surname: 'Vance',
    jobTitle: 'Retail Manager',
    officeLocation: '18/2111',
    businessPhones: ['+1 425 555 0109'],
  },
  'admin@contoso.test': {
    givenName: 'Megan',
    surname: 'Bowen',
    jobTitle: 'Auditor',
    officeLocation: '12/1110',
    businessPhones: ['+1 412 555 0109'],
  },
};

/** Names for the default users' groups (`LOCAL_USERS[].groups`). */
export const DEFAULT_GROUPS: readonly DirectoryGroup[] = [
  { id: '99999999-0000-4000-8000-000000000001', displayName: 'MCP Users', description: 'People who may use the MCP gateway.' },
  { id: '99999999-0000-4000-8000-000000000002', displayName: 'MCP Admins', description: 'People who administer the MCP gateway.' },
];

/**
 * The Graph view of a directory (the Entra emulator's, when given): its users, with the default users'
 * profile details filled in where the directory has none, and the default group names.
 */
export function buildDirectory(input?: { users?: readonly DirectoryUser[]; groups?: readonly DirectoryGroup[] }): GraphDirectory {
  const users = input?.users ?? LOCAL_USERS;
  return {
    // A live view: a user (or group membership) changed in the Entra emulator's directory is seen here at once.
    get users() {
      return users.map((u) => ({ ...DEFAULT_PROFILES[u.username], ...u }));
    },
    groups: [...(input?.groups ?? []), ...DEFAULT_GROUPS.filter((g) => !input?.groups?.some((h) => h.id === g.id))],
  };
}

/** The `microsoft.graph.user` properties `/me` returns by default, in Graph's order. */
export const USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** Other user properties `$select` may name (returned as stored, or null). */
const USER_EXTRA_PROPERTIES = ['accountEnabled', 'userType', 'usageLocation', 'employeeId', 'department'] as const;

export const USER_PROPERTIES: readonly string[] = [...USER_DEFAULT_PROPERTIES, ...USER_EXTRA_PROPERTIES];

export type GraphObject = Record<string, unknown>;

/** A directory user as a `microsoft.graph.user` resource with every selectable property. */
export function toGraphUser(user: DirectoryUser): GraphObject {
  const [first, ...rest] = user.name.replace(/\s*\(.*\)\s*$/, '').split(/\s+/);
  return {
    businessPhones: [...(user.businessPhones ?? [])],
    displayName: user.name,
    givenName: user.givenName !== undefined ? user.givenName : first || null,
    jobTitle: user.jobTitle ?? null,
    mail: user.mail !== undefined ? user.mail : user.username,
    mobilePhone: user.mobilePhone ?? null,
    officeLocation: user.officeLocation ?? null,
    preferredLanguage: user.preferredLanguage !== undefined ? user.preferredLanguage : 'en-US',
    surname: user.surname !== undefined ? user.surname : rest.join(' ') || null,
    userPrincipalName: user.username,
    id: user.oid,
    accountEnabled: true,
    userType: 'Member',
    usageLocation: null,
    employeeId: null,
    department: null,
  };
}

/** The group properties `/memberOf` returns. */
export const GROUP_PROPERTIES: readonly string[] = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'description',
  'displayName',
  'groupTypes',
  'mail',
  'mailEnabled',
  'mailNickname',
  'securityEnabled',
  'visibility',
];

/**
 * A group as a `#microsoft.graph.group` directory object. With only `User.Read`, Graph returns the
 * members of a directoryObject collection with their type and id and every other property null
 * ("limited information returned for inaccessible member objects"); `full` says the caller may read groups.
 */
export function toGraphGroup(id: string, known: DirectoryGroup | undefined, full: boolean): GraphObject {
  const group: GraphObject = { '@odata.type': '#microsoft.graph.group' };
  for (const property of GROUP_PROPERTIES) group[property] = null;
  group.id = id;
  if (!full) return group;
  const displayName = known?.displayName ?? `Group ${id}`;
  return {
    ...group,
    createdDateTime: '2024-01-01T00:00:00Z',
    description: known?.description ?? null,
    displayName,
    groupTypes: [],
    mailEnabled: false,
    mailNickname: displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    securityEnabled: true,
  };
}
