import { isPublicAddress } from './network-policy';

/** Loopback, private, link-local, shared, unspecified, multicast and broadcast, in every spelling. */
const NOT_PUBLIC = [
  '127.0.0.1',
  '127.1.2.3',
  '10.0.0.5',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.1.1',
  '169.254.169.254',
  '100.64.0.1',
  '0.0.0.0',
  '224.0.0.1',
  '255.255.255.255',
  '::1',
  '::',
  'fe80::1',
  'fd00::1',
  'fc00::1',
  'ff02::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.0.0.1',
  '::ffff:a9fe:a9fe',
  '64:ff9b::7f00:1',
  'not-an-address',
];

const PUBLIC = [
  '93.184.215.14',
  '8.8.8.8',
  '172.32.0.1',
  '1.1.1.1',
  '2606:4700:4700::1111',
  '::ffff:8.8.8.8',
];

describe('isPublicAddress', () => {
  it.each(NOT_PUBLIC)('should refuse %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(PUBLIC)('should allow %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
