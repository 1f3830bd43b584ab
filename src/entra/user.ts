/** The signed-in Entra user, as every part of the gateway sees it. `oid` is the user id everywhere. */
export interface EntraUser {
  /** Entra object id (stable across apps, unlike `sub`). */
  oid: string;
  tid: string;
  name?: string;
  username?: string;
  /** App roles assigned to the user on the gateway's app (`MCP.User`, `MCP.Admin`). */
  roles: string[];
  /** Group object ids from the token's `groups` claim. */
  groups: string[];
}
