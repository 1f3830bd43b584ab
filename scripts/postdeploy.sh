#!/bin/sh
# azd postdeploy hook: prints where MCP clients connect, and what an Entra admin may still need to do.
# Reads the outputs of infra/main.bicep, which azd passes in as environment variables.
set -eu

echo ""
echo "Entra MCP Gateway is deployed."
echo "  MCP URL (streamable HTTP): ${MCP_URL:-<unknown: run azd env refresh>}"
echo "  Legacy SSE endpoint:       ${GATEWAY_BASE_URL:-<unknown>}/mcp/sse"
echo "  Landing page:              ${GATEWAY_BASE_URL:-<unknown>}/"
echo ""
if [ "${GRANT_GRAPH_ADMIN_CONSENT:-false}" != "true" ]; then
  echo "Next: an Entra admin grants consent for Microsoft Graph (User.Read, openid, profile, offline_access):"
  echo "  az ad app permission admin-consent --id ${ENTRA_APPLICATION_ID:-<ENTRA_APPLICATION_ID>}"
  echo "  (or Entra admin center > App registrations > API permissions > Grant admin consent)"
fi
echo "Assign the app roles MCP.User / MCP.Admin to users in Entra admin center > Enterprise applications >"
echo "  'Entra MCP Gateway (${AZURE_ENV_NAME:-env})' > Users and groups. See docs/deploy.md."
echo ""
echo "MCP URL: ${MCP_URL:-}"
