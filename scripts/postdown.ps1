# azd postdown hook (Windows): same as postdown.sh. Deletes the app registration, then permanently from Entra's
# deleted items, so that the next `azd up` of this environment can reuse its uniqueName.
$attempts = if ($env:POSTDOWN_ATTEMPTS) { [int]$env:POSTDOWN_ATTEMPTS } else { 6 }
$waitSeconds = if ($env:POSTDOWN_WAIT_SECONDS) { [int]$env:POSTDOWN_WAIT_SECONDS } else { 10 }
$graph = 'https://graph.microsoft.com/v1.0'

$appId = $env:ENTRA_APPLICATION_ID
$objectId = $env:ENTRA_APPLICATION_OBJECT_ID
if (-not $appId) {
  Write-Host 'No ENTRA_APPLICATION_ID in this azd environment: no app registration to delete.'
  exit 0
}

function Write-Commands {
  $id = if ($objectId) { $objectId } else { '<object id of the app registration>' }
  Write-Host "  az ad app delete --id $appId"
  Write-Host "  az rest --method DELETE --url $graph/directory/deletedItems/$id"
}

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
  Write-Host "The Azure CLI is not installed: delete the Entra app registration $appId with:"
  Write-Commands
  exit 0
}

if (-not $objectId) {
  $objectId = (az ad app show --id $appId --query id -o tsv 2>$null | Out-String).Trim()
}

$deletedNow = $false
az ad app delete --id $appId 2>$null | Out-Null
if ($LASTEXITCODE -eq 0) {
  $deletedNow = $true
  Write-Host "Deleted the Entra app registration $appId."
}
if (-not $objectId) {
  Write-Host "The app registration $appId is not in the directory (already deleted?), and its object id is unknown:"
  Write-Host 'check Entra admin center > App registrations > Deleted applications.'
  exit 0
}

# Deleted items are eventually consistent: the soft-deleted registration can take a moment to appear there.
for ($attempt = 1; ; $attempt++) {
  az rest --method DELETE --url "$graph/directory/deletedItems/$objectId" 2>$null | Out-Null
  if ($LASTEXITCODE -eq 0) {
    Write-Host "Permanently deleted it from Entra's deleted items; this environment can be deployed again."
    exit 0
  }
  az rest --method GET --url "$graph/directory/deletedItems/$objectId" 2>$null | Out-Null
  $inDeletedItems = ($LASTEXITCODE -eq 0)
  az ad app show --id $appId 2>$null | Out-Null
  $active = ($LASTEXITCODE -eq 0)
  if (-not $inDeletedItems -and -not $active) {
    # Just deleted, it may not be listed yet; otherwise it is gone already (a second run).
    if (-not $deletedNow -or $attempt -ge $attempts) {
      Write-Host "The app registration $appId is gone from the directory and its deleted items (nothing to delete)."
      exit 0
    }
  } elseif ($attempt -ge $attempts) {
    Write-Host "Could not delete the Entra app registration $appId for good (it needs an owner of the registration or"
    Write-Host 'Cloud Application Administrator). Until it is, `azd up` of this environment fails on its uniqueName. Run:'
    Write-Commands
    exit 0
  }
  Start-Sleep -Seconds $waitSeconds
}
