#!/bin/sh
# azd postdown hook: `azd down` deleted the resource group; the app registration is a directory object
# that no resource group holds, so delete it here (its service principal and federated credential go
# with it). Needs the Azure CLI signed in to the same tenant; otherwise prints the command to run.
set -u

app_id="${ENTRA_APPLICATION_ID:-}"
if [ -z "$app_id" ]; then
  echo "No ENTRA_APPLICATION_ID in this azd environment: no app registration to delete."
  exit 0
fi
if command -v az >/dev/null 2>&1 && az ad app delete --id "$app_id" >/dev/null 2>&1; then
  echo "Deleted the Entra app registration $app_id (it stays in 'Deleted applications' for 30 days)."
else
  echo "Could not delete the Entra app registration $app_id. Delete it with:"
  echo "  az ad app delete --id $app_id"
fi
exit 0
