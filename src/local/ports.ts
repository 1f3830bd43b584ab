/**
 * Default ports of the local stack, shared by `npm start` / `npm run emulators`, `local.settings.sample.json`
 * and `docs/deploy.md`. The gateway's 7071 is the Functions host's own default (`func start`), so the same
 * `local.settings.json` works under Core Tools and under the local host. The emulators sit right after it;
 * 8081 is the port the Cosmos DB emulator has always used. When a port is taken, the local stack picks a free
 * one and prints it: these are defaults, not promises.
 */
export const DEFAULT_PORTS = {
  gateway: 7071,
  entra: 7072,
  graph: 7073,
  managedIdentity: 7074,
  cosmos: 8081,
} as const;
