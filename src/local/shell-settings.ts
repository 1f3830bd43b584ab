/**
 * Settings exported in the shell that `npm start` replaces with its own (the emulators' endpoints, fresh
 * keys): a `COSMOS_ENDPOINT` pointing at a real account silently becoming the in-memory one surprised
 * people. `npm start` names them once, at start. Values are never printed (they may be secrets).
 */
export function overriddenShellSettings(shell: Readonly<Record<string, string | undefined>>, applied: Readonly<Record<string, string>>): string[] {
  return Object.keys(applied)
    .filter((name) => shell[name] !== undefined && shell[name] !== '' && shell[name] !== applied[name])
    .sort();
}

export function describeOverrides(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  return (
    `Ignored from your shell (npm start sets its own for the local stack): ${names.join(', ')}.\n` +
    '  To run the gateway against real services, use `npm run emulators` with `func start`, or deploy (docs/deploy.md).'
  );
}
