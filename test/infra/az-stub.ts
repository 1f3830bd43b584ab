import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoPath } from './repo.js';

/**
 * A stand-in for the Azure CLI on PATH (and `curl`, which the postdeploy hook uses to wake the host): a shell
 * script that records every call, one per line, and answers from files in its state directory — the
 * Function App's system key, the Key Vault secret, the directory's app registration and its deleted items. The
 * hooks run against it exactly as they would against `az`; Azure itself is not reachable here.
 */
const stubScript = `#!/bin/sh
state="$AZ_STUB_STATE"
printf '%s\\n' "$*" >>"$state/calls"
# A counter file holds how many more calls of one kind fail (or find nothing) before it works.
pending() { n=$(cat "$state/$1" 2>/dev/null || echo 0); [ "$n" -gt 0 ] && { echo $((n - 1)) >"$state/$1"; return 0; }; return 1; }
case "$1 $2 $3" in
  "functionapp keys list")
    pending key-misses && exit 0
    [ -f "$state/system-key" ] && cat "$state/system-key" && echo; exit 0 ;;
  "keyvault secret show")
    [ -f "$state/vault-secret" ] || { echo "ERROR: (SecretNotFound)" >&2; exit 3; }
    cat "$state/vault-secret"; echo; exit 0 ;;
  "keyvault secret set")
    pending set-failures && { echo "ERROR: (Forbidden)" >&2; exit 1; }
    file=""; prev=""
    for arg in "$@"; do [ "$prev" = "--file" ] && file="$arg"; prev="$arg"; done
    [ -n "$file" ] || { echo "stub: no --file" >&2; exit 2; }
    cp "$file" "$state/vault-secret"; exit 0 ;;
  "functionapp restart "*) exit 0 ;;
  "ad app show")
    [ -f "$state/app-active" ] || { echo "ERROR: not found" >&2; exit 3; }
    cat "$state/app-object-id"; exit 0 ;;
  "ad app delete")
    [ -f "$state/app-active" ] || { echo "ERROR: not found" >&2; exit 3; }
    [ -f "$state/no-permission" ] && { echo "ERROR: Forbidden" >&2; exit 1; }
    rm "$state/app-active"; touch "$state/app-soft-deleted"; exit 0 ;;
  "rest --method DELETE")
    [ -f "$state/app-soft-deleted" ] || { echo "ERROR: Not Found" >&2; exit 3; }
    rm "$state/app-soft-deleted"; exit 0 ;;
  "rest --method GET")
    [ -f "$state/app-soft-deleted" ] || { echo "ERROR: Not Found" >&2; exit 3; }
    echo "{}"; exit 0 ;;
esac
echo "stub az: unexpected call: $*" >&2
exit 99
`;

export interface AzStub {
  /** The state directory; write files here to set the scene (see the script). */
  state: string;
  /** Every call so far, as its argument line. */
  calls(): string[];
  /** Runs a hook script with `sh`, the stub first on PATH. */
  run(script: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string };
  read(file: string): string | undefined;
  write(file: string, content: string): void;
  close(): void;
}

export function createAzStub(): AzStub {
  const root = mkdtempSync(path.join(tmpdir(), 'az-stub-'));
  const bin = path.join(root, 'bin');
  const state = path.join(root, 'state');
  spawnSync('mkdir', ['-p', bin, state]);
  for (const name of ['az', 'curl']) {
    const file = path.join(bin, name);
    writeFileSync(file, name === 'az' ? stubScript : `#!/bin/sh\nprintf 'curl %s\\n' "$*" >>"$AZ_STUB_STATE/calls"\n`);
    chmodSync(file, 0o755);
  }
  const read = (file: string) => (existsSync(path.join(state, file)) ? readFileSync(path.join(state, file), 'utf8') : undefined);
  return {
    state,
    calls: () => (read('calls') ?? '').split('\n').filter(Boolean),
    run(script, env) {
      const result = spawnSync('sh', [repoPath(script)], {
        env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: root, TMPDIR: root, AZ_STUB_STATE: state, ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
    read,
    write: (file, content) => writeFileSync(path.join(state, file), content),
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}
