// The Functions app's entry point (package.json "main"). The worker, or the local host in
// src/local/, loads this file; it configures the app and registers every function.
import { app } from '@azure/functions';
import { loadConfig } from './config/index.js';
import { buildDeps, type Deps } from './deps.js';
import { registerNotReadyFunctions } from './functions/not-ready.js';
import { registerSiteFunctions } from './functions/site.js';
import { registerDiscoveryFunctions } from './functions/discovery.js';
import { registerRegistrationFunctions } from './functions/register.js';
import { registerAuthorizeFunctions } from './functions/authorize.js';
import { registerAccountFunctions } from './functions/account.js';
import { registerTokenFunctions } from './functions/token.js';
import { registerMcpFunctions } from './functions/mcp.js';
import { registerToolFunctions } from './functions/tools.js';
import { registerObservability } from './observability/invocation.js';

app.setup({ enableHttpStream: true });
registerObservability();

// Exported so a test fixture app can register extra tools against the same dependencies (caches).
// Undefined when the configuration is not ready.
export const deps = startGateway();

function startGateway(): Deps | undefined {
  let deps: Deps;
  try {
    deps = buildDeps(loadConfig());
  } catch (error) {
    // A throw here would leave the app with no function at all (every route 404, the log far from the cause),
    // e.g. while a Key Vault reference is still unresolved. Instead: 503 everywhere, and the log says what to fix.
    registerNotReadyFunctions(error);
    return undefined;
  }
  registerSiteFunctions(deps);
  registerDiscoveryFunctions(deps);
  registerRegistrationFunctions(deps);
  registerAuthorizeFunctions(deps);
  registerAccountFunctions(deps);
  registerTokenFunctions(deps);
  registerMcpFunctions(deps);
  registerToolFunctions(deps);
  return deps;
}
