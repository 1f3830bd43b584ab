#!/bin/sh
# azd postdown hook: `azd down` deleted the resource group; the app registration is a directory object that no
# resource group holds, so delete it here (its service principal and federated credential go with it), and then
# delete it permanently from Entra's deleted items: a soft-deleted registration keeps its uniqueName reserved
# for 30 days, and the next `azd up` of this environment would fail with "Another object with the same value
# for property uniqueName already exists". The deployer may do both as an owner of the registration (the
# template makes it one). Needs the Azure CLI signed in to the same tenant; otherwise prints the commands.
# Running it again finds nothing left and says so.
set -u

attempts="${POSTDOWN_ATTEMPTS:-6}"
wait_seconds="${POSTDOWN_WAIT_SECONDS:-10}"
graph="https://graph.microsoft.com/v1.0"

app_id="${ENTRA_APPLICATION_ID:-}"
object_id="${ENTRA_APPLICATION_OBJECT_ID:-}"
if [ -z "$app_id" ]; then
  echo "No ENTRA_APPLICATION_ID in this azd environment: no app registration to delete."
  exit 0
fi

print_commands() {
  echo "  az ad app delete --id $app_id"
  echo "  az rest --method DELETE --url $graph/directory/deletedItems/${object_id:-<object id of the app registration>}"
}

if ! command -v az >/dev/null 2>&1; then
  echo "The Azure CLI is not installed: delete the Entra app registration $app_id with:"
  print_commands
  exit 0
fi

if [ -z "$object_id" ]; then
  object_id="$(az ad app show --id "$app_id" --query id -o tsv 2>/dev/null || true)"
fi

deleted_now=false
if az ad app delete --id "$app_id" >/dev/null 2>&1; then
  deleted_now=true
  echo "Deleted the Entra app registration $app_id."
fi
if [ -z "$object_id" ]; then
  echo "The app registration $app_id is not in the directory (already deleted?), and its object id is unknown:"
  echo "check Entra admin center > App registrations > Deleted applications."
  exit 0
fi

# Deleted items are eventually consistent: the soft-deleted registration can take a moment to appear there.
attempt=1
while :; do
  if az rest --method DELETE --url "$graph/directory/deletedItems/$object_id" >/dev/null 2>&1; then
    echo "Permanently deleted it from Entra's deleted items; this environment can be deployed again."
    exit 0
  fi
  if ! az rest --method GET --url "$graph/directory/deletedItems/$object_id" >/dev/null 2>&1 &&
    ! az ad app show --id "$app_id" >/dev/null 2>&1; then
    # Just deleted, it may not be listed yet; otherwise it is gone already (a second run).
    if [ "$deleted_now" = false ] || [ "$attempt" -ge "$attempts" ]; then
      echo "The app registration $app_id is gone from the directory and its deleted items (nothing to delete)."
      exit 0
    fi
  elif [ "$attempt" -ge "$attempts" ]; then
    echo "Could not delete the Entra app registration $app_id for good (it needs an owner of the registration or"
    echo "Cloud Application Administrator). Until it is, \`azd up\` of this environment fails on its uniqueName. Run:"
    print_commands
    exit 0
  fi
  attempt=$((attempt + 1))
  sleep "$wait_seconds"
done
