import type { TokenContext } from './claims.js';
import type { Directory } from './directory.js';
import type { EntraCounters, GrantStore } from './state.js';

/** Everything the endpoint handlers share, built once by `startEntraEmulator`. */
export interface EmulatorContext {
  directory: Directory;
  tokens: TokenContext;
  grants: GrantStore;
  counters: EntraCounters;
  /** The emulator's origin, e.g. `http://localhost:7072` (the `ENTRA_AUTHORITY_HOST`). */
  origin: string;
  /** The emulator's clock in epoch ms (sessions and their revocation are compared at this precision). */
  nowMs(): number;
}

export const tenantBase = (ctx: EmulatorContext) => `${ctx.origin}/${ctx.directory.tenantId}`;
export const tokenEndpointV2 = (ctx: EmulatorContext) => `${tenantBase(ctx)}/oauth2/v2.0/token`;
export const tokenEndpointV1 = (ctx: EmulatorContext) => `${tenantBase(ctx)}/oauth2/token`;
