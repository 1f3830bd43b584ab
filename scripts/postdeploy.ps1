# azd postdeploy hook (Windows): same as postdeploy.sh.
$ErrorActionPreference = 'Stop'

$mcpUrl = if ($env:MCP_URL) { $env:MCP_URL } else { '<unknown: run azd env refresh>' }
$base = if ($env:GATEWAY_BASE_URL) { $env:GATEWAY_BASE_URL } else { '<unknown>' }
$appId = if ($env:ENTRA_APPLICATION_ID) { $env:ENTRA_APPLICATION_ID } else { '<ENTRA_APPLICATION_ID>' }

Write-Host ''
Write-Host 'Entra MCP Gateway is deployed.'
Write-Host "  MCP URL (streamable HTTP): $mcpUrl"
Write-Host "  Legacy SSE endpoint:       $base/mcp/sse"
Write-Host "  Landing page:              $base/"
Write-Host ''
if ($env:GRANT_GRAPH_ADMIN_CONSENT -ne 'true') {
  Write-Host 'Next: an Entra admin grants consent for Microsoft Graph (User.Read, openid, profile, offline_access):'
  Write-Host "  az ad app permission admin-consent --id $appId"
  Write-Host '  (or Entra admin center > App registrations > API permissions > Grant admin consent)'
}
Write-Host 'Assign the app roles MCP.User / MCP.Admin to users in Entra admin center > Enterprise applications >'
Write-Host "  'Entra MCP Gateway ($env:AZURE_ENV_NAME)' > Users and groups. See docs/deploy.md."
Write-Host ''
Write-Host "MCP URL: $env:MCP_URL"
