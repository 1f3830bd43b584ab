# azd preprovision hook (Windows): same as preprovision.sh. Generates each gateway secret once per azd
# environment (32 random bytes from node:crypto), keeps existing values, never prints them.
$ErrorActionPreference = 'Stop'

if (-not (Get-Command node -ErrorAction SilentlyContinue)) {
  throw 'node is required (it generates the secrets).'
}

# 32 random bytes, base64url; redrawn if it would start with "-" (azd would read it as an option).
function New-RandomKey {
  node -e "const c=require('node:crypto');let k;do{k=c.randomBytes(32).toString('base64url')}while(k.startsWith('-'));process.stdout.write(k)"
}

function Set-SecretOnce([string]$Name, [string]$Current, [scriptblock]$NewValue) {
  if ($Current) {
    Write-Host "${Name}: kept the value already in this azd environment."
  } else {
    azd env set $Name (& $NewValue) | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "azd env set $Name failed" }
    Write-Host "${Name}: generated a new random value."
  }
}

# The key id names the day it was made, so a rotated key ring ("new,old") stays readable.
$kid = 'k' + (Get-Date).ToUniversalTime().ToString('yyyyMMdd')
Set-SecretOnce 'TOKEN_ENCRYPTION_KEYS' $env:TOKEN_ENCRYPTION_KEYS { "${kid}:$(New-RandomKey)" }
Set-SecretOnce 'COOKIE_SECRET' $env:COOKIE_SECRET { New-RandomKey }
