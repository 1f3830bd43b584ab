// Every app setting of the Function App, in one block (a test checks it against src/config/settings.ts),
// and the MCP extension's system key. Secrets appear only as Key Vault references.
param functionAppName string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param applicationInsightsConnectionString string
param entraTenantId string
param entraClientId string
param entraAuthorityHost string
param graphBaseUrl string
param cosmosEndpoint string
param cosmosDatabaseName string
param tokenEncryptionKeysSecretUri string
param cookieSecretSecretUri string
param mcpExtensionKeySecretUri string
@secure()
@description('The "mcp_extension" system key value (also in Key Vault as MCP_EXTENSION_KEY).')
param mcpExtensionKey string

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// Flex Consumption sets the runtime itself (functionAppConfig.runtime): FUNCTIONS_WORKER_RUNTIME,
// FUNCTIONS_EXTENSION_VERSION and WEBSITE_RUN_FROM_PACKAGE must not be set here.
var appSettings = {
  // Functions host storage through the identity, no connection string (blobs: keys, leases; queues: MCP SSE relay).
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storageBlobEndpoint
  AzureWebJobsStorage__queueServiceUri: storageQueueEndpoint
  // The gateway serves "/" itself (the landing page).
  AzureWebJobsDisableHomepage: 'true'
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

  // The gateway (src/config/settings.ts).
  GATEWAY_MODE: 'azure'
  GATEWAY_BASE_URL: 'https://${site.properties.defaultHostName}'
  ENTRA_TENANT_ID: entraTenantId
  ENTRA_CLIENT_ID: entraClientId
  ENTRA_API_SCOPE: 'access_as_user'
  ENTRA_AUTHORITY_HOST: entraAuthorityHost
  ENTRA_CREDENTIAL: 'managed_identity'
  MANAGED_IDENTITY_CLIENT_ID: identityClientId
  GRAPH_BASE_URL: graphBaseUrl
  COSMOS_ENDPOINT: cosmosEndpoint
  COSMOS_DATABASE: cosmosDatabaseName
  TOKEN_ENCRYPTION_KEYS: '@Microsoft.KeyVault(SecretUri=${tokenEncryptionKeysSecretUri})'
  COOKIE_SECRET: '@Microsoft.KeyVault(SecretUri=${cookieSecretSecretUri})'
  MCP_EXTENSION_KEY: '@Microsoft.KeyVault(SecretUri=${mcpExtensionKeySecretUri})'
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// The key the host demands on /runtime/webhooks/mcp. Setting it here (rather than letting the extension
// create a random one) lets the gateway read the same value from Key Vault; without it nobody reaches the
// extension's webhook except through the gateway's authentication.
resource mcpSystemKey 'Microsoft.Web/sites/host/systemkeys@2024-04-01' = {
  name: '${site.name}/default/mcp_extension'
  properties: {
    name: 'mcp_extension'
    value: mcpExtensionKey
  }
  dependsOn: [settings]
}
