/**
 * Every Cosmos container the gateway uses. The Bicep (infra/) creates exactly these, and a test checks
 * that the two agree. All containers are partitioned by `/id` so every lookup on a hot path is a point
 * read. `defaultTtl` only collects garbage: expiry is always enforced in code on read, because the
 * local Cosmos server has no TTL.
 */
export const CONTAINERS = {
  /** Registered MCP clients (DCR). Never expire by themselves. */
  clients: { id: 'clients', partitionKey: '/id', defaultTtl: -1 },
  /** Pending authorizations: the client's request plus the gateway's Entra PKCE pair and state (10 min). */
  authorizations: { id: 'authorizations', partitionKey: '/id', defaultTtl: 600 },
  /** The gateway's authorization codes, keyed by the code's hash (5 min). */
  codes: { id: 'codes', partitionKey: '/id', defaultTtl: 300 },
  /** Grants (sessions): user, client, scopes and the encrypted upstream Entra tokens. */
  grants: { id: 'grants', partitionKey: '/id', defaultTtl: -1 },
  /** Refresh tokens, keyed by the token's hash, pointing at their grant. */
  refreshTokens: { id: 'refreshTokens', partitionKey: '/id', defaultTtl: -1 },
} as const;

export type ContainerName = keyof typeof CONTAINERS;
