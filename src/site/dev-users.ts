/**
 * The local stack's test users, as the landing page names them in dev mode. The Entra emulator's own
 * list is `LOCAL_USERS` in src/local/defaults.ts, which is never deployed, so the landing page keeps
 * this short copy; test/site/landing.test.ts checks that the two agree.
 */
export const DEV_PASSWORD = 'Passw0rd!';

export const DEV_USERS = [
  { username: 'adele@contoso.test', about: 'a user (app role MCP.User)' },
  { username: 'admin@contoso.test', about: 'an administrator (app roles MCP.User and MCP.Admin): also the admin tools' },
] as const;
