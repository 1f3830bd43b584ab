// Every app setting of the Function App, in one block (a test checks it against src/config/settings.ts).
// Secrets appear only as Key Vault references. No host key is written here: the MCP extension creates its
// "mcp_extension" system key when the host starts, and scripts/postdeploy copies it into Key Vault
// (docs/deploy.md, "The MCP extension's key").
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
@description('Versionless URI of the secret that scripts/postdeploy fills with the "mcp_extension" system key.')
param mcpExtensionKeySecretUri string

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
