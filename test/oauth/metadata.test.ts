import { OAuthMetadataSchema, OAuthProtectedResourceMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { loadConfig } from '../../src/config/index.js';
import { authorizationServerMetadata, protectedResourceMetadata } from '../../src/oauth/metadata.js';
import { testEnv } from './fixtures.js';

const config = loadConfig(testEnv({ GATEWAY_BASE_URL: 'https://gw.example.net/' }));

describe('discovery documents', () => {
  test('PRM names the MCP resource and this server as its authorization server', () => {
    const prm = OAuthProtectedResourceMetadataSchema.parse(protectedResourceMetadata(config));
    expect(prm).toMatchObject({
      resource: 'https://gw.example.net/mcp',
      authorization_servers: ['https://gw.example.net'],
      scopes_supported: ['mcp:tools', 'mcp:admin'],
      bearer_methods_supported: ['header'],
    });
  });

  test('AS metadata: issuer is BASE_URL exactly and every endpoint is on it', () => {
    const metadata = OAuthMetadataSchema.parse(authorizationServerMetadata(config));
    expect(metadata).toMatchObject({
      issuer: 'https://gw.example.net',
      authorization_endpoint: 'https://gw.example.net/authorize',
      token_endpoint: 'https://gw.example.net/token',
      registration_endpoint: 'https://gw.example.net/register',
      revocation_endpoint: 'https://gw.example.net/revoke',
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
      client_id_metadata_document_supported: true,
    });
    expect(authorizationServerMetadata(config).authorization_response_iss_parameter_supported).toBe(true);
  });
});
