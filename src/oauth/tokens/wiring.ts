import type { Config } from '../../config/index.js';
import { createCosmosPendingAuthorizationStore, type PendingAuthorizationStore } from '../../store/authorizations.js';
import { createCosmosCodeStore } from '../../store/codes.js';
import type { StoreContainers } from '../../store/cosmos.js';
import { createCosmosGrantStore } from '../../store/grants.js';
import { createCosmosRefreshTokenStore } from '../../store/refresh-tokens.js';
import { ServerError } from '../errors.js';
import { createGrantService, type GrantService } from '../grants.js';
import { createAccessTokenCodec, type AccessTokenCodec } from './access-token.js';
import type { RefreshUpstream } from './entra-session.js';

/** The token and state core, as `buildDeps` exposes it. */
export interface TokenCore {
  accessTokens: AccessTokenCodec;
  grants: GrantService;
  pendingAuthorizations: PendingAuthorizationStore;
}

/** Used until an Entra client is passed in: renewal then fails loudly instead of silently. */
const noUpstream: RefreshUpstream = async () => {
  throw new ServerError('The Entra ID client is not configured, so the Entra token cannot be renewed.');
};

/** Builds the token core from the configuration and the Cosmos containers (no network call). */
export function createTokenCore(config: Config, containers: StoreContainers, refreshUpstream: RefreshUpstream = noUpstream): TokenCore {
  const accessTokens = createAccessTokenCodec({
    keyRing: config.tokens.encryptionKeys,
    issuer: config.baseUrl,
    audience: config.mcpResource,
    ttlSeconds: config.tokens.accessTokenTtlSeconds,
  });
  const grants = createGrantService({
    grants: createCosmosGrantStore(containers.grants),
    codes: createCosmosCodeStore(containers.codes),
    refreshTokens: createCosmosRefreshTokenStore(containers.refreshTokens),
    accessTokens,
    refreshTokenTtlSeconds: config.tokens.refreshTokenTtlSeconds,
    refreshTokenGraceSeconds: config.tokens.refreshTokenGraceSeconds,
    refreshUpstream,
  });
  return { accessTokens, grants, pendingAuthorizations: createCosmosPendingAuthorizationStore(containers.authorizations) };
}
