// An MCP client's OAuth side for tests: the state the SDK's `auth()` keeps, in memory.
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { randomBytes } from 'node:crypto';

/** An MCP client's OAuth state, kept in memory, as the SDK's `auth()` drives it. */
export class MemoryOAuthProvider implements OAuthClientProvider {
  information: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier: string | undefined;
  authorizationUrl: URL | undefined;
  readonly stateValue = randomBytes(16).toString('base64url');

  constructor(
    readonly redirectUrl = 'http://127.0.0.1:9/oauth/callback',
    readonly clientMetadata: OAuthClientMetadata = defaultMetadata(redirectUrl),
  ) {}

  state(): string {
    return this.stateValue;
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.information;
  }
  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.information = information;
  }
  tokens(): OAuthTokens | undefined {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }
  /** What a client does before a step-up: with a refresh token kept, `auth()` would refresh instead. */
  forgetTokens(): void {
    this.saved = undefined;
  }
  /** What the SDK's `auth()` calls after `invalid_grant` / `invalid_client`, before starting over. */
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'client') this.information = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
}

export function clientMetadata(redirectUrl: string, authMethod: 'none' | 'client_secret_basic' | 'client_secret_post' = 'none'): OAuthClientMetadata {
  return {
    client_name: 'Flow Test Client',
    redirect_uris: [redirectUrl],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
  };
}

// The constructor's parameter `clientMetadata` shadows the function of that name.
const defaultMetadata = (redirectUrl: string) => clientMetadata(redirectUrl);
