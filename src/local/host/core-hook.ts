import Module from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Outside jest, makes `require('@azure/functions-core')` (which `@azure/functions` does lazily) resolve
 * to our stand-in, as the Node worker does by injecting its own module. Must run before the app loads.
 * Under jest, `moduleNameMapper` in jest.config.js does the same and this hook is never consulted.
 */
const coreModulePath = fileURLToPath(new URL('./functions-core.cjs', import.meta.url));
const installedKey = Symbol.for('entra-mcp-gateway.local-host.core-hook');

type ResolveFilename = (request: string, ...rest: unknown[]) => string;

export function installCoreHook(): void {
  // `_resolveFilename` is internal to Node's CommonJS loader but stable for years; it is the one seam
  // that intercepts a bare `require` from inside node_modules.
  const loader = Module as unknown as { _resolveFilename: ResolveFilename } & Record<symbol, boolean>;
  if (loader[installedKey]) return;
  const original = loader._resolveFilename;
  loader._resolveFilename = function resolveFunctionsCore(this: unknown, request: string, ...rest: unknown[]) {
    if (request === '@azure/functions-core') return coreModulePath;
    return original.call(this, request, ...rest);
  };
  loader[installedKey] = true;
}
