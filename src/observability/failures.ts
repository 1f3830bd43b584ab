/**
 * One readable line for a dependency's failure, naming the setting and the likely fix, instead of the
 * error object's dump (a Cosmos `RestError` prints some 55 lines that never name COSMOS_ENDPOINT).
 * Undefined when the error is not one this knows; the caller then logs the error itself.
 */
export function describeFailure(error: unknown): string | undefined {
  if (!error || typeof error !== 'object' || !('diagnostics' in error)) return undefined; // only @azure/cosmos errors carry diagnostics
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  const status = typeof code === 'number' ? code : typeof statusCode === 'number' ? statusCode : undefined;
  if (typeof code === 'string' && status === undefined) {
    return `Cosmos DB did not answer (${code}). Check COSMOS_ENDPOINT (the account URI), that the account exists and this app may reach it (firewall, private endpoint); locally, that npm start is still running.`;
  }
  switch (status) {
    case 401:
      return 'Cosmos DB refused the credential (401). Check COSMOS_KEY, or leave it empty to use the managed identity.';
    case 403:
      return 'Cosmos DB refused access (403). Give the managed identity the "Cosmos DB Built-in Data Contributor" data-plane role on the account (the Bicep does), or allow this app through the account\'s firewall.';
    case 404:
      return 'Cosmos DB: the database or a container does not exist (404). Check COSMOS_DATABASE; azd provision creates them.';
    case 429:
      return "Cosmos DB is throttling requests (429). The account's throughput is exhausted; retry later or raise its limits.";
    default:
      return `Cosmos DB failed (${String(status ?? code ?? 'unknown')}). Check COSMOS_ENDPOINT and the account's health in the portal.`;
  }
}
