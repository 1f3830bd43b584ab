import { describeFullFlow } from './auth-flow-scenario.js';

// The gateway proves itself to Entra with a certificate the local stack generated for this run (one
// stack per file: the app reads its settings once, when the host imports it).
describeFullFlow('certificate');
