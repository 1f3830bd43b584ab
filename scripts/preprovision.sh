#!/bin/sh
# azd preprovision hook: makes sure this azd environment has the gateway's own secrets (TOKEN_ENCRYPTION_KEYS,
# COOKIE_SECRET; the MCP extension's key is the host's, see postdeploy). Each is generated once
# (32 random bytes from node:crypto) and kept in .azure/<env>/.env, which git ignores; infra/main.bicep
# writes them to Key Vault. Re-running keeps the existing values, so nobody is signed out by a redeploy.
# Values are never printed.
set -eu

# 32 random bytes, base64url; redrawn if it would start with "-" (azd would read it as an option).
random_key() {
  node -e "const c=require('node:crypto');let k;do{k=c.randomBytes(32).toString('base64url')}while(k.startsWith('-'));process.stdout.write(k)"
}

ensure_secret() {
  name="$1"
  current="$2"
  value="$3"
  if [ -n "$current" ]; then
    echo "$name: kept the value already in this azd environment."
  else
    azd env set "$name" "$value" >/dev/null
    echo "$name: generated a new random value."
  fi
}

command -v node >/dev/null 2>&1 || { echo "node is required (it generates the secrets)." >&2; exit 1; }

# The key id names the day it was made, so a rotated key ring ("new,old") stays readable.
ensure_secret TOKEN_ENCRYPTION_KEYS "${TOKEN_ENCRYPTION_KEYS:-}" "k$(date -u +%Y%m%d):$(random_key)"
ensure_secret COOKIE_SECRET "${COOKIE_SECRET:-}" "$(random_key)"
