import { graphScope, type GraphClient } from '../entra/graph.js';
import type { OboClient, OboUser } from '../entra/obo.js';

/**
 * Group membership for GROUP_PERMISSIONS when the token cannot list it (group overage: Entra puts at
 * most 200 groups in a JWT and otherwise only `_claim_names` / `_claim_sources`).
 *
 * Only the groups GROUP_PERMISSIONS names matter, so instead of paging through all of the user's groups
 * the gateway asks Graph `POST /me/checkMemberGroups` with those ids (20 per request, Graph's limit;
 * transitive, as the token's claim is), with an on-behalf-of token for `User.Read` — the permission the
 * gateway already holds for its Graph tool, and enough for the signed-in user's own memberships.
 *
 * Results are cached per user (`tid` + `oid`) for `GROUP_MEMBERSHIP_TTL_MS` (bounded LRU), so a user's
 * tool calls cost one Graph round trip per five minutes; a membership removed in Entra stops granting
 * permissions within that time. A failure (OBO refused, Graph unreachable) is not cached and grants
 * nothing: deny by default, and the caller logs why.
 */
export interface GroupMembershipResolver {
  /** Of `groupIds`, those the user is a member of. Throws the OBO or Graph error on failure. */
  memberOf(user: OboUser, assertion: string, groupIds: readonly string[]): Promise<string[]>;
}

export const GROUP_MEMBERSHIP_TTL_MS = 5 * 60 * 1000;
const CHECK_LIMIT = 20;
const DEFAULT_MAX_ENTRIES = 5_000;

export interface GroupMembershipOptions {
  obo: Pick<OboClient, 'acquire'>;
  graph: Pick<GraphClient, 'post'>;
  now?: () => number;
  maxEntries?: number;
}

export function createGroupMembershipResolver(options: GroupMembershipOptions): GroupMembershipResolver {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const cache = new Map<string, { groups: string[]; key: string; expiresAt: number }>();
  const scope = graphScope('User.Read');

  return {
    async memberOf(user, assertion, groupIds) {
      const userKey = `${user.tid.toLowerCase()}|${user.oid.toLowerCase()}`;
      // The configured ids are part of the key: a changed GROUP_PERMISSIONS never reads a stale answer.
      const idsKey = [...groupIds]
        .map((g) => g.toLowerCase())
        .sort()
        .join(',');
      const hit = cache.get(userKey);
      if (hit && hit.key === idsKey && hit.expiresAt > now()) return hit.groups;
      const token = await options.obo.acquire(user, assertion, scope);
      const member: string[] = [];
      for (let i = 0; i < groupIds.length; i += CHECK_LIMIT) {
        const chunk = groupIds.slice(i, i + CHECK_LIMIT);
        const answer = await options.graph.post<{ value?: unknown }>('/v1.0/me/checkMemberGroups', { groupIds: chunk }, token.accessToken);
        const found = Array.isArray(answer.value) ? answer.value.filter((v): v is string => typeof v === 'string') : [];
        // Only ids that were asked about count, whatever the answer holds.
        member.push(...chunk.filter((id) => found.some((f) => f.toLowerCase() === id.toLowerCase())));
      }
      cache.delete(userKey);
      cache.set(userKey, { groups: member, key: idsKey, expiresAt: now() + GROUP_MEMBERSHIP_TTL_MS });
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return member;
    },
  };
}
