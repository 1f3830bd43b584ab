import type { SignInHints } from '../../entra/upstream.js';
import type { AuthorizationRequest } from '../../store/authorizations.js';
import { createPkcePair } from '../pkce.js';
import type { BrowserFlowDeps } from './deps.js';

export interface UpstreamStart {
  state: string;
  browserBinding: string;
  /** Entra's authorize URL for this flow. */
  entraUrl: string;
}

/**
 * Opens a pending authorization for the request (single-use `state`, browser binding, the gateway's
 * own PKCE pair for Entra, 10-minute expiry) and builds the matching Entra authorize URL.
 */
export async function startUpstream(
  request: AuthorizationRequest,
  deps: Pick<BrowserFlowDeps, 'authorizations' | 'entra' | 'now'>,
  hints: SignInHints = {},
): Promise<UpstreamStart> {
  const pkce = await createPkcePair();
  const started = await deps.authorizations.create(request, pkce.codeVerifier, deps.now());
  const entraUrl = await deps.entra.authorizationUrl({ state: started.state, codeChallenge: pkce.codeChallenge, ...hints });
  return { state: started.state, browserBinding: started.browserBinding, entraUrl };
}
