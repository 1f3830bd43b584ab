// Cosmos DB (serverless, NoSQL API): the gateway's clients, pending authorizations, codes, grants and
// refresh tokens. Keys are disabled (disableLocalAuth); the Function App's identity reads and writes
// through the data-plane role "Cosmos DB Built-in Data Contributor".
param accountName string
param databaseName string
param location string
param tags object
param identityPrincipalId string
@description('Also give this principal (the deployer) data access, to look at the data. Empty: nobody else.')
param deployerPrincipalId string = ''

// Exactly the containers of src/store/containers.ts (a test compares the two). Every container is
// partitioned by /id (point reads on every hot path). defaultTtl only collects garbage: the gateway enforces
// expiry in code. -1 means "TTL on, items live until their own ttl says otherwise".
var containers = [
  { id: 'clients', partitionKey: '/id', defaultTtl: -1 }
  { id: 'authorizations', partitionKey: '/id', defaultTtl: 600 }
  { id: 'codes', partitionKey: '/id', defaultTtl: 300 }
  { id: 'grants', partitionKey: '/id', defaultTtl: -1 }
  { id: 'refreshTokens', partitionKey: '/id', defaultTtl: -1 }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    capabilities: [{ name: 'EnableServerless' }]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: {
        id: container.id
        partitionKey: { paths: [container.partitionKey], kind: 'Hash', version: 2 }
        defaultTtl: container.defaultTtl
      }
    }
  }
]

// Cosmos DB Built-in Data Contributor (a data-plane role: sqlRoleAssignments, not Azure RBAC).
var dataContributorRoleId = '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'

resource identityDataAccess 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, identityPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: dataContributorRoleId
    principalId: identityPrincipalId
    scope: account.id
  }
}

resource deployerDataAccess 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = if (!empty(deployerPrincipalId)) {
  parent: account
  name: guid(account.id, deployerPrincipalId, dataContributorRoleId)
  properties: {
    roleDefinitionId: dataContributorRoleId
    principalId: deployerPrincipalId
    scope: account.id
  }
}

output name string = account.name
output endpoint string = account.properties.documentEndpoint
