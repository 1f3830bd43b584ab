import type { Cookie } from '@azure/functions';
import type { Config } from '../../config/index.js';
import type { EntraUpstream } from '../../entra/upstream.js';
import type { PendingAuthorizationStore } from '../../store/authorizations.js';
import type { ClaimsChallengeStore } from '../../store/claims-challenges.js';
import type { GrantService } from '../grants.js';
import type { SignedValueCodec } from '../../web/signed.js';
import type { ClientLookup } from './authorize-request.js';

/** Where the browser-facing endpoints write operator lines (ids and hash prefixes only, never secrets). */
export interface FlowLog {
  info(message: string): void;
  warn(message: string): void;
}

/** What /authorize, /consent and /callback need. */
export interface BrowserFlowDeps {
  config: Pick<Config, 'baseUrl' | 'mcpResource' | 'groupPermissions'> & { entra: Pick<Config['entra'], 'allowedTenants'> };
  clients: ClientLookup;
  authorizations: PendingAuthorizationStore;
  entra: EntraUpstream;
  /** Only the callback's part: create the session, issue the gateway's code. */
  grants: Pick<GrantService, 'createGrant' | 'issueCode'>;
  signed: SignedValueCodec;
  /** Conditional Access claims challenges kept for a user's next sign-in (absent: none are kept). */
  claimsChallenges?: Pick<ClaimsChallengeStore, 'take'>;
  now: () => number;
}

/** A response of a browser-facing endpoint: the Functions `HttpResponseInit` subset used here. */
export interface FlowResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  cookies?: Cookie[];
}
