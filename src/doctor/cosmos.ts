import { createCosmosClient } from '../store/cosmos.js';
import { CONTAINERS } from '../store/containers.js';
import { fail, ok, reason, type CheckResult, type DoctorContext } from './types.js';

const NAME = 'Cosmos DB';

/** Reachable with the configured identity (key or managed identity); the database and containers exist. */
export async function checkCosmos({ config }: DoctorContext): Promise<CheckResult> {
  const { endpoint, database, key } = config.cosmos;
  const client = createCosmosClient(config);
  try {
    const db = client.database(database);
    try {
      await db.read();
    } catch (err) {
      return cosmosFailure(err, `database "${database}" at ${endpoint}`, Boolean(key));
    }
    const missing: string[] = [];
    for (const spec of Object.values(CONTAINERS)) {
      try {
        await db.container(spec.id).read();
      } catch (err) {
        if ((err as { code?: unknown }).code === 404) missing.push(spec.id);
        else return cosmosFailure(err, `container "${spec.id}"`, Boolean(key));
      }
    }
    if (missing.length > 0) {
      return fail(NAME, `containers missing in "${database}": ${missing.join(', ')}.`, 'run azd provision (the Bicep creates them, partitioned by /id).');
    }
    return ok(NAME, `${endpoint} database "${database}" with ${Object.keys(CONTAINERS).length} containers`);
  } finally {
    client.dispose();
  }
}

function cosmosFailure(err: unknown, what: string, withKey: boolean): CheckResult {
  const code = (err as { code?: unknown }).code;
  if (code === 404)
    return fail(NAME, `${what} does not exist.`, 'set COSMOS_DATABASE to the database the Bicep created (default mcp-gateway), or run azd provision.');
  if (code === 401 || code === 403) {
    return fail(
      NAME,
      `${what}: refused (${String(code)}).`,
      withKey
        ? 'COSMOS_KEY is wrong: copy a key of this account, or leave it empty to use the managed identity.'
        : 'give the managed identity the "Cosmos DB Built-in Data Contributor" data-plane role on the account (the Bicep does).',
    );
  }
  return fail(
    NAME,
    `${what}: ${reason(err)}.`,
    'check COSMOS_ENDPOINT (the account URI, e.g. https://my-account.documents.azure.com:443/) and that this machine may reach it (firewall, private endpoint).',
  );
}
