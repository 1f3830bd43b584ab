// The Function App's user-assigned identity. It reaches storage, Cosmos DB, Key Vault and Application
// Insights through role assignments, and its token is the app registration's federated credential, so the
// gateway holds no secret for any of them.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
