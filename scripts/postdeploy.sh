#!/bin/sh
# azd postdeploy hook: hands the MCP extension's system key to the gateway, then prints where MCP clients
# connect and what an Entra admin may still need to do. Reads the outputs of infra/main.bicep, which azd passes
# in as environment variables. Needs the Azure CLI (`az`), signed in as the deployer.
#
# The key: the Functions host generates the "mcp_extension" system key when the MCP extension first starts
# (after the code is deployed). The gateway must send it to /runtime/webhooks/mcp, and reads it from Key Vault
# (app setting MCP_EXTENSION_KEY, a Key Vault reference). This hook copies the key into Key Vault when the
# secret is missing or differs, then restarts the app so the reference resolves. Run again, it finds the
# secret current and changes nothing. The key is never printed and never passed on a command line.
set -eu

attempts="${POSTDEPLOY_ATTEMPTS:-30}"      # how often to look for the key (and retry the Key Vault write)
wait_seconds="${POSTDEPLOY_WAIT_SECONDS:-10}"

fail() {
  echo "postdeploy: $1" >&2
  echo "The gateway answers /mcp only once MCP_EXTENSION_KEY resolves. Re-run this hook with: azd hooks run postdeploy" >&2
  exit 1
}

sync_mcp_extension_key() {
  rg="${AZURE_RESOURCE_GROUP:-}"
  app="${AZURE_FUNCTION_APP_NAME:-}"
  vault="${AZURE_KEY_VAULT_NAME:-}"
  secret="${MCP_EXTENSION_KEY_SECRET_NAME:-mcp-extension-key}"
  [ -n "$rg" ] && [ -n "$app" ] && [ -n "$vault" ] ||
    fail "AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME or AZURE_KEY_VAULT_NAME is missing: run azd provision first."
  command -v az >/dev/null 2>&1 ||
    fail "the Azure CLI (az) is required to copy the mcp_extension system key into Key Vault '$vault'."

  # The extension creates its key when the host starts; a request starts a host that scaled to zero.
  key=""
  attempt=1
  while :; do
    key="$(az functionapp keys list -g "$rg" -n "$app" --query systemKeys.mcp_extension -o tsv 2>/dev/null || true)"
    [ -n "$key" ] && break
    [ "$attempt" -ge "$attempts" ] &&
      fail "the Function App '$app' has no mcp_extension system key yet (the host creates it when it starts with the MCP tools registered). Check the app's logs."
    if [ "$attempt" -eq 1 ]; then
      echo "Waiting for the Functions host to create the mcp_extension system key..."
      if [ -n "${GATEWAY_BASE_URL:-}" ] && command -v curl >/dev/null 2>&1; then
        curl -s -o /dev/null --max-time 60 "$GATEWAY_BASE_URL/health" || true
      fi
    fi
    attempt=$((attempt + 1))
    sleep "$wait_seconds"
  done

  current="$(az keyvault secret show --vault-name "$vault" --name "$secret" --query value -o tsv 2>/dev/null || true)"
  if [ "$current" = "$key" ]; then
    echo "MCP_EXTENSION_KEY: Key Vault already holds the current mcp_extension key; nothing to change."
    return 0
  fi

  # Through an owner-only file, so the key appears in no process list.
  tmp="$(umask 077 && mktemp)"
  trap 'rm -f "$tmp"' EXIT
  printf '%s' "$key" >"$tmp"
  attempt=1
  # The deployer's Key Vault Secrets Officer role, granted by the same provision, can take minutes to apply.
  until az keyvault secret set --vault-name "$vault" --name "$secret" --file "$tmp" --encoding utf-8 \
    --content-type "Functions system key" -o none >/dev/null; do
    [ "$attempt" -ge "$attempts" ] &&
      fail "could not write the secret '$secret' to Key Vault '$vault' (the deployer needs Key Vault Secrets Officer on it; infra/modules/keyvault.bicep grants it)."
    attempt=$((attempt + 1))
    sleep "$wait_seconds"
  done
  rm -f "$tmp"
  trap - EXIT

  # App Service resolves Key Vault references when the app starts.
  az functionapp restart -g "$rg" -n "$app" -o none >/dev/null || fail "could not restart '$app'; restart it by hand."
  echo "MCP_EXTENSION_KEY: copied the mcp_extension system key into Key Vault and restarted the app."
}

sync_mcp_extension_key

echo ""
echo "Entra MCP Gateway is deployed."
echo "  MCP URL (streamable HTTP): ${MCP_URL:-<unknown: run azd env refresh>}"
echo "  Legacy SSE endpoint:       ${GATEWAY_BASE_URL:-<unknown>}/mcp/sse"
echo "  Landing page:              ${GATEWAY_BASE_URL:-<unknown>}/"
echo ""
if [ "${GRANT_ADMIN_CONSENT:-false}" != "true" ]; then
  echo "Next: an Entra admin grants consent for Microsoft Graph (User.Read, openid, profile, offline_access) and the"
  echo "gateway's own access_as_user scope:"
  echo "  az ad app permission admin-consent --id ${ENTRA_APPLICATION_ID:-<ENTRA_APPLICATION_ID>}"
  echo "  (or Entra admin center > App registrations > API permissions > Grant admin consent)"
fi
echo "Assign the app roles MCP.User / MCP.Admin to users in Entra admin center > Enterprise applications >"
echo "  'Entra MCP Gateway (${AZURE_ENV_NAME:-env})' > Users and groups. See docs/deploy.md."
echo ""
echo "MCP URL: ${MCP_URL:-}"
