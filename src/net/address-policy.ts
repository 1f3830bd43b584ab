import { BlockList, isIP } from 'node:net';

/**
 * Addresses an outbound fetch of a client-supplied URL must never reach (SSRF): anything that is not
 * a public unicast address. IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are checked against the
 * IPv4 rules by `BlockList` itself; the other forms that embed an IPv4 address (IPv4-compatible
 * `::a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`, NAT64, 6to4, Teredo) are refused outright, because
 * the embedded address could be private and some stacks route them to it.
 */
const forbidden = new BlockList();
const loopback = new BlockList();

const IPV4_FORBIDDEN: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['168.63.129.16', 32], // Azure's platform address (DNS, health probes, the VM agent's wire server)
  ['169.254.0.0', 16], // link-local, including the cloud metadata service 169.254.169.254
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and broadcast
];
const IPV6_FORBIDDEN: [string, number][] = [
  ['::', 96], // unspecified, and IPv4-compatible ::a.b.c.d (deprecated, RFC 4291 §2.5.5.1); ::1 is loopback, below
  ['::ffff:0:0:0', 96], // IPv4-translated ::ffff:0:a.b.c.d (RFC 2765)
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4
  ['fc00::', 7], // unique local, including the AWS metadata service fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, RFC 3879, but still routed inside some networks)
  ['ff00::', 8], // multicast
];

for (const [net, prefix] of IPV4_FORBIDDEN) forbidden.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of IPV6_FORBIDDEN) forbidden.addSubnet(net, prefix, 'ipv6');
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

export function isLoopbackAddress(address: string): boolean {
  return isIP(address) !== 0 && loopback.check(address, familyOf(address));
}

/**
 * Whether an outbound request may connect to `address` (an IP literal). Loopback is refused unless
 * `allowLoopback` (the dev setting that lets the local stack serve metadata documents on 127.0.0.1).
 */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  if (isIP(address) === 0) return false;
  if (isLoopbackAddress(address)) return allowLoopback;
  return !forbidden.check(address, familyOf(address));
}
