// The Functions app's entry point (package.json "main"). The worker, or the local host in
// src/local/, loads this file; it configures the app and registers every function.
import { app } from '@azure/functions';
import { loadConfig } from './config/index.js';
import { buildDeps } from './deps.js';
import { registerSiteFunctions } from './functions/site.js';
import { registerDiscoveryFunctions } from './functions/discovery.js';
import { registerRegistrationFunctions } from './functions/register.js';
import { registerAuthorizeFunctions } from './functions/authorize.js';
import { registerAccountFunctions } from './functions/account.js';
import { registerTokenFunctions } from './functions/token.js';
import { registerMcpFunctions } from './functions/mcp.js';
import { registerToolFunctions } from './functions/tools.js';

app.setup({ enableHttpStream: true });

// Exported so a test fixture app can register extra tools against the same dependencies (caches).
export const deps = buildDeps(loadConfig());

registerSiteFunctions(deps);
registerDiscoveryFunctions(deps);
registerRegistrationFunctions(deps);
registerAuthorizeFunctions(deps);
registerAccountFunctions(deps);
registerTokenFunctions(deps);
registerMcpFunctions(deps);
registerToolFunctions(deps);
