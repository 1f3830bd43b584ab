// Every MCP tool of this app: one line each. A new tool is one file (see docs/add-a-tool.md) plus its
// line here; `tools/list` shows them in the order of the exported names. This module loads no
// `@azure/functions`, so the MCP gateway reads the tools' requirements from it (step-up, entitlement).
export { listClientsTool, revokeClientTool } from './admin-clients.js';
export { graphUserDetailsTool } from './graph-user-details.js';
export { whoamiTool } from './whoami.js';
