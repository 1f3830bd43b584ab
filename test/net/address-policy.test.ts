import { isAllowedAddress, isLoopbackAddress } from '../../src/net/address-policy.js';

describe('outbound address policy', () => {
  test.each([
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '100.64.0.1', // CGNAT
    '169.254.169.254', // cloud metadata
    '169.254.1.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    'fd00:ec2::254', // AWS metadata over IPv6
    'fc00::1',
    'fe80::1',
    'ff02::1',
    '::ffff:10.0.0.1', // IPv4-mapped private
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1', // NAT64 of 10.0.0.1
    'not-an-ip',
  ])('%s is refused', (address) => {
    expect(isAllowedAddress(address, true)).toBe(false);
  });

  test.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('loopback %s only with the dev setting', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
    expect(isAllowedAddress(address, false)).toBe(false);
    expect(isAllowedAddress(address, true)).toBe(true);
  });

  test.each(['93.184.216.34', '20.42.65.92', '2606:4700::6810:85e5'])('public %s is allowed', (address) => {
    expect(isAllowedAddress(address, false)).toBe(true);
  });
});
