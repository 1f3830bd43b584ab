import { isAllowedAddress, isLoopbackAddress } from '../../src/net/address-policy.js';

/**
 * Every block-list range with its first and last address (both refused: a range narrowed by one bit
 * loses its upper half, a deleted row loses both) and, where the neighbour is not itself blocked, the
 * addresses just outside it (allowed: a widened range would take them).
 */
const RANGES: { range: string; first: string; last: string; outside: string[] }[] = [
  { range: '0.0.0.0/8', first: '0.0.0.0', last: '0.255.255.255', outside: ['1.0.0.0'] },
  { range: '10.0.0.0/8', first: '10.0.0.0', last: '10.255.255.255', outside: ['9.255.255.255', '11.0.0.0'] },
  { range: '100.64.0.0/10', first: '100.64.0.0', last: '100.127.255.255', outside: ['100.63.255.255', '100.128.0.0'] },
  { range: '168.63.129.16/32', first: '168.63.129.16', last: '168.63.129.16', outside: ['168.63.129.15', '168.63.129.17'] },
  { range: '169.254.0.0/16', first: '169.254.0.0', last: '169.254.255.255', outside: ['169.253.255.255', '169.255.0.0'] },
  { range: '172.16.0.0/12', first: '172.16.0.0', last: '172.31.255.255', outside: ['172.15.255.255', '172.32.0.0'] },
  { range: '192.0.0.0/24', first: '192.0.0.0', last: '192.0.0.255', outside: ['191.255.255.255', '192.0.1.0'] },
  { range: '192.0.2.0/24', first: '192.0.2.0', last: '192.0.2.255', outside: ['192.0.1.255', '192.0.3.0'] },
  { range: '192.88.99.0/24', first: '192.88.99.0', last: '192.88.99.255', outside: ['192.88.98.255', '192.88.100.0'] },
  { range: '192.168.0.0/16', first: '192.168.0.0', last: '192.168.255.255', outside: ['192.167.255.255', '192.169.0.0'] },
  { range: '198.18.0.0/15', first: '198.18.0.0', last: '198.19.255.255', outside: ['198.17.255.255', '198.20.0.0'] },
  { range: '198.51.100.0/24', first: '198.51.100.0', last: '198.51.100.255', outside: ['198.51.99.255', '198.51.101.0'] },
  { range: '203.0.113.0/24', first: '203.0.113.0', last: '203.0.113.255', outside: ['203.0.112.255', '203.0.114.0'] },
  { range: '224.0.0.0/4', first: '224.0.0.0', last: '239.255.255.255', outside: ['223.255.255.255'] },
  { range: '240.0.0.0/4', first: '240.0.0.0', last: '255.255.255.255', outside: [] },
  { range: '::/96', first: '::', last: '::ffff:ffff', outside: [] },
  { range: '::ffff:0:0:0/96', first: '::ffff:0:0.0.0.0', last: '::ffff:0:255.255.255.255', outside: [] },
  { range: '64:ff9b::/96', first: '64:ff9b::', last: '64:ff9b::ffff:ffff', outside: [] },
  { range: '64:ff9b:1::/48', first: '64:ff9b:1::', last: '64:ff9b:1:ffff:ffff:ffff:ffff:ffff', outside: [] },
  { range: '100::/64', first: '100::', last: '100::ffff:ffff:ffff:ffff', outside: [] },
  { range: '2001::/32', first: '2001::', last: '2001:0:ffff:ffff:ffff:ffff:ffff:ffff', outside: ['2001:1::1'] },
  {
    range: '2001:db8::/32',
    first: '2001:db8::',
    last: '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
    outside: ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::'],
  },
  { range: '2002::/16', first: '2002::', last: '2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: ['2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '2003::'] },
  { range: 'fc00::/7', first: 'fc00::', last: 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: [] },
  { range: 'fe80::/10', first: 'fe80::', last: 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: [] },
  { range: 'fec0::/10', first: 'fec0::', last: 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: [] },
  { range: 'ff00::/8', first: 'ff00::', last: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', outside: [] },
];

describe('outbound address policy', () => {
  describe.each(RANGES)('$range', ({ first, last, outside }) => {
    test(`${first} and ${last} are refused, also with the dev loopback setting`, () => {
      for (const address of [first, last]) {
        expect({ address, allowed: isAllowedAddress(address, true) }).toEqual({ address, allowed: false });
      }
    });

    if (outside.length > 0) {
      test(`the addresses just outside, ${outside.join(', ')}, are allowed`, () => {
        for (const address of outside) {
          expect({ address, allowed: isAllowedAddress(address, false) }).toEqual({ address, allowed: true });
        }
      });
    }
  });

  test.each([
    '169.254.169.254', // cloud metadata
    'fd00:ec2::254', // AWS metadata over IPv6
    '::ffff:10.0.0.1', // IPv4-mapped private
    '::ffff:10.255.255.255',
    '::ffff:169.254.169.254',
    '::ffff:168.63.129.16',
    '64:ff9b::a00:1', // NAT64 of 10.0.0.1
    '::127.0.0.1', // IPv4-compatible loopback: not loopback to the policy, and never allowed
    '::10.0.0.1', // IPv4-compatible private
    '::8.8.8.8', // IPv4-compatible public: the form itself is deprecated
    '::ffff:0:127.0.0.1', // IPv4-translated loopback
    '::ffff:0:8.8.8.8',
    'fec0::1', // site-local
    'not-an-ip',
    '',
  ])('%s is refused', (address) => {
    expect(isAllowedAddress(address, true)).toBe(false);
  });

  test.each(['127.0.0.0', '127.0.0.1', '127.8.9.10', '127.255.255.255', '::1', '::ffff:127.0.0.1', '::ffff:127.255.255.255'])(
    'loopback %s only with the dev setting',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(true);
      expect(isAllowedAddress(address, false)).toBe(false);
      expect(isAllowedAddress(address, true)).toBe(true);
    },
  );

  test.each(['126.255.255.255', '128.0.0.0', '::2', '::ffff:0:127.0.0.1', '::127.0.0.1', 'localhost', ''])('%s is not loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });

  test.each(['93.184.216.34', '20.42.65.92', '126.255.255.255', '128.0.0.0', '::ffff:11.0.0.0', '2606:4700::6810:85e5'])('public %s is allowed', (address) => {
    expect(isAllowedAddress(address, false)).toBe(true);
    expect(isAllowedAddress(address, true)).toBe(true);
  });
});
