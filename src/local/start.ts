// `npm start` (the gateway and every emulator) and `npm run emulators` (`--emulators-only`, for
// `func start`). Prints where everything is; stops cleanly on SIGINT and SIGTERM.
import { ConfigError } from '../config/index.js';
import { writeLocalStackSettings } from '../doctor/local-settings.js';
import { LOCAL_PASSWORD, LOCAL_USERS } from './defaults.js';
import { clearDevState, DEFAULT_STATE_DIR } from './dev-state.js';
import { describeOverrides, overriddenShellSettings } from './shell-settings.js';
import { startLocalStack, type LocalStack } from './stack.js';

/** Settings that are only ever printed for `func start`, never on a full `npm start`. */
const FUNC_HOST_SETTINGS = {
  FUNCTIONS_WORKER_RUNTIME: 'node',
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  // The gateway serves its own landing page at `/`; Core Tools' default homepage would hide it.
  AzureWebJobsDisableHomepage: 'true',
};

async function main(): Promise<void> {
  const emulatorsOnly = process.argv.includes('--emulators-only');
  let instances: number;
  try {
    instances = instancesOption(process.argv.slice(2));
  } catch (err) {
    console.error(describe(err));
    process.exit(1);
  }
  const shell = { ...process.env };
  // `--persist` (npm start, npm run dev): keys and Cosmos data in .local/ across restarts; `--clean` first empties it.
  const stateDir = process.argv.includes('--persist') && !emulatorsOnly ? DEFAULT_STATE_DIR : undefined;
  if (stateDir && process.argv.includes('--clean')) clearDevState(stateDir);
  const starting = startLocalStack({ emulatorsOnly, instances, ...(stateDir ? { stateDir } : {}) });

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the local stack…`);
    // Bounded: a server that will not close must not keep the terminal hostage.
    setTimeout(() => {
      console.error('Timed out while stopping; exiting.');
      process.exit(1);
    }, 10_000).unref();
    // A signal during start-up waits for the start to finish, then stops whatever started.
    starting
      .then((stack) => stack.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(`Stopped with errors: ${describe(err)}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  let stack: LocalStack;
  try {
    stack = await starting;
  } catch (err) {
    console.error(`\nThe local stack could not start.\n${describe(err)}`);
    process.exit(1);
  }
  if (stopping) return;
  // For `npm run doctor -- --local`; removed when the process exits.
  if (!stack.emulatorsOnly) process.on('exit', writeLocalStackSettings(stack.env));
  const overrides = stack.emulatorsOnly ? undefined : describeOverrides(overriddenShellSettings(shell, stack.env));
  console.log(banner(stack, overrides));
}

/** `--instances N` (or `--instances=N`): how many gateway instances run behind the front (default 1). */
function instancesOption(args: string[]): number {
  const index = args.findIndex((a) => a === '--instances' || a.startsWith('--instances='));
  if (index < 0) return 1;
  const arg = args[index]!;
  const text = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[index + 1];
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    throw new Error(`--instances must be a whole number from 1 to 16, got "${text ?? ''}". Example: npm start -- --instances 2`);
  }
  return count;
}

/** The error's message; a configuration error already names every setting and its fix. */
function describe(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  if (err instanceof Error) {
    const cause = err.cause instanceof Error ? `\n${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}

function banner(stack: LocalStack, overrides?: string): string {
  const { urls } = stack;
  const users = LOCAL_USERS.map((u) => `    ${u.username.padEnd(22)} roles ${u.roles.join(', ')}`).join('\n');
  const lines = ['', stack.emulatorsOnly ? 'Entra MCP Gateway — emulators running (for func start)' : 'Entra MCP Gateway — local stack running', ''];
  if (!stack.emulatorsOnly) {
    lines.push(
      'MCP server',
      `  Streamable HTTP   ${urls.mcp}`,
      `  SSE (legacy)      ${urls.mcpSse}`,
      `  Landing page      ${urls.gateway}/`,
      `  Health            ${urls.health}  (readiness: ${urls.health}/ready)`,
      '',
    );
    if (stack.instances) {
      lines.push(
        `Gateway instances: ${stack.instances.hosts.length}, behind a round-robin front on ${urls.gateway}`,
        ...stack.instances.hosts.map((h, i) => `  instance ${i + 1}        ${h.url}`),
        '',
      );
    }
  }
  lines.push(
    'Emulators',
    `  Entra ID          ${urls.entra}  (discovery: ${urls.entraDiscovery})`,
    `  Microsoft Graph   ${urls.graph}`,
    `  Managed identity  ${urls.managedIdentity}`,
    `  Cosmos DB         ${urls.cosmos}`,
    '',
    `Test users (password ${LOCAL_PASSWORD})`,
    users,
    '',
  );
  if (stack.emulatorsOnly) {
    const values = { ...FUNC_HOST_SETTINGS, ...stack.env };
    lines.push(
      'local.settings.json for `func start` (then run Azurite for AzureWebJobsStorage: npx azurite):',
      '  Local-only values: the keys are generated for this run, the emulators forget everything when they stop.',
      '  Paste again after each `npm run emulators`.',
      JSON.stringify({ IsEncrypted: false, Values: values }, null, 2),
      '',
    );
  } else {
    lines.push('Add the MCP URL to a client (see the landing page).', '');
  }
  if (overrides) lines.push(overrides, '');
  lines.push('Ctrl+C stops everything.', '');
  return lines.join('\n');
}

await main();
