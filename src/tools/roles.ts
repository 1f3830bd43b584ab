/** The gateway's app roles (assigned in Entra: Enterprise applications → the gateway → Users and groups). */
export const USER_ROLE = 'MCP.User';
export const ADMIN_ROLE = 'MCP.Admin';
