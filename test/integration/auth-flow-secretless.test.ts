import { describeFullFlow } from './auth-flow-scenario.js';

// The gateway proves itself to Entra with the managed identity's federated credential (the default).
describeFullFlow('managed_identity');
