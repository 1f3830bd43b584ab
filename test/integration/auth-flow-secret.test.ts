import { describeFullFlow } from './auth-flow-scenario.js';

// The gateway proves itself to Entra with a client secret; the MCP client is confidential too.
describeFullFlow('secret');
