# azd postdown hook (Windows): same as postdown.sh.
$appId = $env:ENTRA_APPLICATION_ID
if (-not $appId) {
  Write-Host 'No ENTRA_APPLICATION_ID in this azd environment: no app registration to delete.'
  exit 0
}
$deleted = $false
if (Get-Command az -ErrorAction SilentlyContinue) {
  az ad app delete --id $appId 2>$null | Out-Null
  $deleted = ($LASTEXITCODE -eq 0)
}
if ($deleted) {
  Write-Host "Deleted the Entra app registration $appId (it stays in 'Deleted applications' for 30 days)."
} else {
  Write-Host "Could not delete the Entra app registration $appId. Delete it with:"
  Write-Host "  az ad app delete --id $appId"
}
exit 0
