// The gateway's app registration (Microsoft Graph Bicep extension): one confidential web client that is
// also the API whose scope it requests (DESIGN.md section 5). Secretless: its only credential is a federated
// identity credential that trusts the Function App's managed identity.
extension microsoftGraphV1

param uniqueName string
param displayName string
@description('https://{Function App default host name}; the redirect URI is {baseUrl}/callback.')
param baseUrl string
@description('Principal (object) id of the managed identity whose token is the federated credential.')
param identityPrincipalId string
@description('A user to assign MCP.User and MCP.Admin (the deployer). Empty: nobody.')
param deployerPrincipalId string = ''
@description('Object id of the deployer (user or service principal), made an owner of the registration and of its service principal. Empty: no owner is added.')
param ownerPrincipalId string = ''
@description('Grant tenant-wide consent for the Graph permissions and the app\'s own access_as_user scope.')
param grantAdminConsent bool = false
param requireAppRoleAssignment bool = false

var loginEndpoint = environment().authentication.loginEndpoint // 'https://login.microsoftonline.com/'
var graphAppId = '00000003-0000-0000-c000-000000000000'
var graphPermissions = [
  { name: 'User.Read', id: 'e1fe6dd8-ba31-4d61-89e7-88639da4683d' }
  { name: 'openid', id: '37f7f235-527c-4136-accd-4a02d197296e' }
  { name: 'profile', id: '14dad69e-099b-42c9-810b-d002981feec1' }
  { name: 'offline_access', id: '7427e0e9-2fba-42fe-b0c0-848c9e6a8182' }
]

// Owners may manage the registration without an admin role: they can assign its app roles (deployerRoles below)
// and permanently delete it after `azd down` (scripts/postdown). The Graph Bicep extension does not make the
// deployer an owner by itself. 'append' (the default) keeps owners added by hand.
var owners = { relationships: empty(ownerPrincipalId) ? [] : [ownerPrincipalId] }

// A fixed id, known before the registration exists: pass 2's requiredResourceAccess names this scope of the app
// itself by id, which it could not do with an id Entra chose.
var accessAsUserScopeId = guid(uniqueName, 'access_as_user')

var api = {
  // v2 tokens: issuer https://login.microsoftonline.com/{tid}/v2.0 and aud = client id (DESIGN.md §1, #8).
  requestedAccessTokenVersion: 2
  oauth2PermissionScopes: [
    {
      id: accessAsUserScopeId
      value: 'access_as_user'
      type: 'User'
      isEnabled: true
      adminConsentDisplayName: 'Use the MCP tools as the signed-in user'
      adminConsentDescription: 'Lets the Entra MCP Gateway call its MCP tools on behalf of the signed-in user.'
      userConsentDisplayName: 'Use the MCP tools as you'
      userConsentDescription: 'Lets the Entra MCP Gateway call its MCP tools on your behalf.'
    }
  ]
}

var appRoles = [
  {
    id: guid(uniqueName, 'MCP.User')
    value: 'MCP.User'
    displayName: 'MCP user'
    description: 'May use the gateway\'s MCP tools.'
    allowedMemberTypes: ['User']
    isEnabled: true
  }
  {
    id: guid(uniqueName, 'MCP.Admin')
    value: 'MCP.Admin'
    displayName: 'MCP administrator'
    description: 'May use the administrative MCP tools (registered clients).'
    allowedMemberTypes: ['User']
    isEnabled: true
  }
]

var web = {
  redirectUris: ['${baseUrl}/callback']
  implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false }
}

var graphResourceAccess = {
  resourceAppId: graphAppId
  resourceAccess: [for permission in graphPermissions: { id: permission.id, type: 'Scope' }]
}

// Pass 1 creates the registration; its appId only exists afterwards.
resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  groupMembershipClaims: 'SecurityGroup'
  api: api
  appRoles: appRoles
  web: web
  // The app's own scope joins in pass 2, once its appId exists.
  requiredResourceAccess: [graphResourceAccess]
  owners: owners
}

// Pass 2 adds the identifier URI api://{appId} (a resource cannot reference its own output).
resource appWithIdentifierUri 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  groupMembershipClaims: 'SecurityGroup'
  identifierUris: ['api://${app.appId}']
  api: api
  appRoles: appRoles
  web: web
  // Its own access_as_user too, so that admin consent (the grant below, or `az ad app permission
  // admin-consent`) covers the scope users sign in with, not only Graph.
  requiredResourceAccess: [
    graphResourceAccess
    { resourceAppId: app.appId, resourceAccess: [{ id: accessAsUserScopeId, type: 'Scope' }] }
  ]
  owners: owners
}

// Secretless client credential: Entra accepts the managed identity's token for api://AzureADTokenExchange
// as this app's client assertion.
resource managedIdentityCredential 'Microsoft.Graph/applications/federatedIdentityCredentials@v1.0' = {
  name: '${appWithIdentifierUri.uniqueName}/gateway-managed-identity'
  description: 'The Function App\'s user-assigned managed identity'
  issuer: '${loginEndpoint}${tenant().tenantId}/v2.0'
  subject: identityPrincipalId
  audiences: ['api://AzureADTokenExchange']
}

resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: app.appId
  appRoleAssignmentRequired: requireAppRoleAssignment
  owners: owners
}

resource graph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: graphAppId
}

// Tenant-wide consent for the Graph permissions the tools use through OBO, and for the gateway's own scope,
// which every sign-in asks for (without it, sign-in fails where users may not consent, and always with
// REQUIRE_APP_ROLE_ASSIGNMENT=true). Needs a deployer allowed to grant consent; otherwise an admin grants it once
// (docs/deploy.md).
resource graphConsent 'Microsoft.Graph/oauth2PermissionGrants@v1.0' = if (grantAdminConsent) {
  clientId: servicePrincipal.id
  consentType: 'AllPrincipals'
  resourceId: graph.id
  scope: join(map(graphPermissions, permission => permission.name), ' ')
}

resource selfConsent 'Microsoft.Graph/oauth2PermissionGrants@v1.0' = if (grantAdminConsent) {
  clientId: servicePrincipal.id
  consentType: 'AllPrincipals'
  resourceId: servicePrincipal.id
  scope: 'access_as_user'
}

resource deployerRoles 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for role in appRoles: if (!empty(deployerPrincipalId)) {
    appRoleId: role.id
    principalId: deployerPrincipalId
    resourceId: servicePrincipal.id
  }
]

output clientId string = app.appId
output objectId string = app.id
output servicePrincipalId string = servicePrincipal.id
output identifierUri string = 'api://${app.appId}'
