# azd postdeploy hook (Windows): same as postdeploy.sh. Copies the Functions host's "mcp_extension" system key
# into Key Vault when the secret is missing or differs, restarts the app, then prints where MCP clients connect.
# The key is never printed and never passed on a command line.
$ErrorActionPreference = 'Stop'

$attempts = if ($env:POSTDEPLOY_ATTEMPTS) { [int]$env:POSTDEPLOY_ATTEMPTS } else { 30 }
$waitSeconds = if ($env:POSTDEPLOY_WAIT_SECONDS) { [int]$env:POSTDEPLOY_WAIT_SECONDS } else { 10 }

function Stop-Hook([string]$Message) {
  Write-Error "postdeploy: $Message`nThe gateway answers /mcp only once MCP_EXTENSION_KEY resolves. Re-run this hook with: azd hooks run postdeploy"
  exit 1
}

function Sync-McpExtensionKey {
  $rg = $env:AZURE_RESOURCE_GROUP
  $app = $env:AZURE_FUNCTION_APP_NAME
  $vault = $env:AZURE_KEY_VAULT_NAME
  $secret = if ($env:MCP_EXTENSION_KEY_SECRET_NAME) { $env:MCP_EXTENSION_KEY_SECRET_NAME } else { 'mcp-extension-key' }
  if (-not $rg -or -not $app -or -not $vault) {
    Stop-Hook 'AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME or AZURE_KEY_VAULT_NAME is missing: run azd provision first.'
  }
  if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    Stop-Hook "the Azure CLI (az) is required to copy the mcp_extension system key into Key Vault '$vault'."
  }

  # The extension creates its key when the host starts; a request starts a host that scaled to zero.
  $key = ''
  for ($attempt = 1; ; $attempt++) {
    $key = (az functionapp keys list -g $rg -n $app --query systemKeys.mcp_extension -o tsv 2>$null | Out-String).Trim()
    if ($key) { break }
    if ($attempt -ge $attempts) {
      Stop-Hook "the Function App '$app' has no mcp_extension system key yet (the host creates it when it starts with the MCP tools registered). Check the app's logs."
    }
    if ($attempt -eq 1) {
      Write-Host 'Waiting for the Functions host to create the mcp_extension system key...'
      if ($env:GATEWAY_BASE_URL) {
        try { Invoke-WebRequest -Uri "$($env:GATEWAY_BASE_URL)/health" -TimeoutSec 60 -UseBasicParsing | Out-Null } catch { }
      }
    }
    Start-Sleep -Seconds $waitSeconds
  }

  $current = (az keyvault secret show --vault-name $vault --name $secret --query value -o tsv 2>$null | Out-String).Trim()
  if ($current -eq $key) {
    Write-Host 'MCP_EXTENSION_KEY: Key Vault already holds the current mcp_extension key; nothing to change.'
    return
  }

  # Through a file only this user can read, so the key appears in no process list.
  $tmp = New-TemporaryFile
  try {
    [System.IO.File]::WriteAllText($tmp.FullName, $key)
    # The deployer's Key Vault Secrets Officer role, granted by the same provision, can take minutes to apply.
    for ($attempt = 1; ; $attempt++) {
      az keyvault secret set --vault-name $vault --name $secret --file $tmp.FullName --encoding utf-8 `
        --content-type 'Functions system key' -o none | Out-Null
      if ($LASTEXITCODE -eq 0) { break }
      if ($attempt -ge $attempts) {
        Stop-Hook "could not write the secret '$secret' to Key Vault '$vault' (the deployer needs Key Vault Secrets Officer on it; infra/modules/keyvault.bicep grants it)."
      }
      Start-Sleep -Seconds $waitSeconds
    }
  } finally {
    Remove-Item -Force $tmp.FullName -ErrorAction SilentlyContinue
  }

  # App Service resolves Key Vault references when the app starts.
  az functionapp restart -g $rg -n $app -o none | Out-Null
  if ($LASTEXITCODE -ne 0) { Stop-Hook "could not restart '$app'; restart it by hand." }
  Write-Host 'MCP_EXTENSION_KEY: copied the mcp_extension system key into Key Vault and restarted the app.'
}

Sync-McpExtensionKey

$mcpUrl = if ($env:MCP_URL) { $env:MCP_URL } else { '<unknown: run azd env refresh>' }
$base = if ($env:GATEWAY_BASE_URL) { $env:GATEWAY_BASE_URL } else { '<unknown>' }
$appId = if ($env:ENTRA_APPLICATION_ID) { $env:ENTRA_APPLICATION_ID } else { '<ENTRA_APPLICATION_ID>' }

Write-Host ''
Write-Host 'Entra MCP Gateway is deployed.'
Write-Host "  MCP URL (streamable HTTP): $mcpUrl"
Write-Host "  Legacy SSE endpoint:       $base/mcp/sse"
Write-Host "  Landing page:              $base/"
Write-Host ''
if ($env:GRANT_ADMIN_CONSENT -ne 'true') {
  Write-Host 'Next: an Entra admin grants consent for Microsoft Graph (User.Read, openid, profile, offline_access) and the'
  Write-Host "gateway's own access_as_user scope:"
  Write-Host "  az ad app permission admin-consent --id $appId"
  Write-Host '  (or Entra admin center > App registrations > API permissions > Grant admin consent)'
}
Write-Host 'Assign the app roles MCP.User / MCP.Admin to users in Entra admin center > Enterprise applications >'
Write-Host "  'Entra MCP Gateway ($env:AZURE_ENV_NAME)' > Users and groups. See docs/deploy.md."
Write-Host ''
Write-Host "MCP URL: $env:MCP_URL"
