import { isIP } from 'node:net';

/**
 * The calling client's address, for per-address rate limits.
 *
 * Azure's front end (App Service / Functions) terminates the client's connection and *appends* the
 * address it saw to `X-Forwarded-For` (as `ip:port` or `ip`). Everything to the left of that entry was
 * written by the client or by proxies the client chose, so it proves nothing. `trustedHops` says how
 * many entries, counted from the right, were written by infrastructure this deployment trusts: 1 for
 * the gateway alone behind Azure's front end (the rightmost entry), 2 with one more proxy of yours in
 * front (Front Door, Application Gateway), and so on. A client can only add entries on the left, so it
 * cannot choose its key. Without the header (Core Tools, a direct test) every caller shares the key
 * `unknown`.
 */
export function clientAddress(headers: Headers, trustedHops: number): string {
  const entries = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = entries[entries.length - Math.max(1, trustedHops)] ?? entries[0];
  return (entry && withoutPort(entry)) ?? 'unknown';
}

/** `1.2.3.4:5678` → `1.2.3.4`, `[2001:db8::1]:443` → `2001:db8::1`; anything that is not an address → undefined. */
function withoutPort(entry: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const candidate = bracketed ? bracketed[1]! : /^[^:]+:\d+$/.test(entry) ? entry.slice(0, entry.lastIndexOf(':')) : entry;
  return isIP(candidate) ? candidate.toLowerCase() : undefined;
}
