import type { Config } from './config/index.js';
import { createCimdResolver } from './oauth/cimd.js';
import { createCosmosClaimsChallengeStore, type ClaimsChallengeStore } from './store/claims-challenges.js';
import { createCosmosClientStore, type ClientStore } from './store/clients.js';
import { lazyContainers } from './store/lazy-containers.js';
import type { RefreshUpstream } from './oauth/tokens/entra-session.js';
import { createTokenCore, type TokenCore } from './oauth/tokens/wiring.js';
import { lazyConfidentialClient } from './entra/msal-client.js';
import { createEntraUpstream, type EntraUpstream } from './entra/upstream.js';
import { createOboClient, type OboClient } from './entra/obo.js';
import { createRateLimits, type RateLimits } from './http/rate-limit.js';
import { createSignedValueCodec, type SignedValueCodec } from './web/signed.js';
import { createReadiness, type ReadinessReport } from './site/readiness.js';

/**
 * Everything the functions need, built once from the configuration at start-up and passed in, so a
 * test builds the same object against the local stack. Building it makes no network call: Cosmos,
 * Entra and Graph are reached on first use.
 */
export interface Deps extends TokenCore {
  config: Config;
  /** OAuth clients: DCR clients in Cosmos, CIMD clients fetched from their URL. */
  clients: ClientStore;
  /** The Entra sign-in as a confidential client (MSAL): authorize URL, code redemption, refresh. */
  entra: EntraUpstream;
  /** Signed browser values (consent cookie, consent form ticket), keyed with COOKIE_SECRET. */
  signed: SignedValueCodec;
  /** On-behalf-of exchanges for the MCP tools, on the same MSAL client, cached per user and scope. */
  obo: OboClient;
  /** `/health/ready`: Cosmos reachable (a container metadata read), cached briefly. */
  readiness: () => Promise<ReadinessReport>;
  /** Per-client-address limits of /register, /authorize and /token (this instance's memory). */
  rateLimits: RateLimits;
  /** Conditional Access claims challenges waiting for the user's next sign-in (tools put, /callback takes). */
  claimsChallenges: ClaimsChallengeStore;
}

/** `refreshUpstream`: the Entra client's refresh (`EntraUpstream.refresh`), for renewing Entra tokens. */
export function buildDeps(config: Config, parts: { refreshUpstream?: RefreshUpstream } = {}): Deps {
  const containers = lazyContainers(config);
  const cimd = createCimdResolver({
    allowLoopback: config.registration.cimdAllowLoopback,
    redirectUriAllowlist: config.registration.redirectUriAllowlist,
    clientNameAllowlist: config.registration.clientNameAllowlist,
    // The Functions worker turns console output into log lines; the resolver is built before any invocation.
    log: (message) => console.warn(message),
  });
  // One MSAL confidential client per process, shared by the sign-in and the tools' OBO.
  const confidentialClient = lazyConfidentialClient(config);
  const entra = createEntraUpstream(confidentialClient, { baseUrl: config.baseUrl, apiScope: config.entra.apiScope });
  return {
    config,
    clients: createCosmosClientStore({
      container: containers.clients,
      cimd,
      unusedTtlSeconds: config.registration.unusedClientTtlSeconds,
      usedTtlSeconds: config.tokens.refreshTokenTtlSeconds,
    }),
    ...createTokenCore(config, containers, parts.refreshUpstream ?? ((refreshToken) => entra.refresh(refreshToken))),
    entra,
    signed: createSignedValueCodec(config.tokens.cookieSecret, config.baseUrl),
    obo: createOboClient({ msal: confidentialClient }),
    readiness: createReadiness({ probeCosmos: () => containers.clients.read() }),
    rateLimits: createRateLimits(config.rateLimits),
    claimsChallenges: createCosmosClaimsChallengeStore(containers.authorizations),
  };
}
