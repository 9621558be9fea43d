import { IpAllowList, normaliseIpEntry } from './ip-allow-list';

describe('normaliseIpEntry', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.0.0.1/32', '10.0.0.1'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0::/32', '2001:db8::/32'],
    ['::1', '::1'],
    ['::/0', '::/0'],
    // Refused: null.
    ['example.com', null],
    ['10', null],
    ['0x0a.0.0.1', null],
    ['10.0.0.256', null],
    ['10.0.0.0/33', null],
    ['10.0.0.0/', null],
    ['10.0.0.0/8/8', null],
    ['10.0.0.0/-1', null],
    ['::1/129', null],
    ['fe80::1%eth0', null],
    ['', null],
  ])('should write %j as %j', (entry, expected) => {
    expect(normaliseIpEntry(entry)).toBe(expected);
  });
});

describe('IpAllowList', () => {
  it('should be null for no entries: usable from anywhere', () => {
    expect(IpAllowList.from([])).toBeNull();
    expect(IpAllowList.from(undefined)).toBeNull();
  });

  describe('of 10.0.0.0/8, 192.168.1.7 and 2001:db8::/32', () => {
    const list = IpAllowList.from(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'])!;

    it.each([
      ['allows', '10.200.3.4', true],
      ['allows', '192.168.1.7', true],
      ['allows', '192.168.1.8', false],
      ['allows', '11.0.0.1', false],
      ['allows', '2001:db8:ffff::1', true],
      ['allows', '2001:db9::1', false],
      ['allows', 'not an address', false],
      // An IPv4-mapped IPv6 client address is read as IPv4.
      ['allows', '::ffff:10.0.0.1', true],
      ['allows', '::ffff:11.0.0.1', false],
      // Whether an entry lies wholly inside one of its ranges.
      ['covers', '10.1.0.0/16', true],
      ['covers', '10.1.2.3', true],
      ['covers', '10.0.0.0/7', false],
      ['covers', '11.0.0.1', false],
      ['covers', '2001:db8:1::/48', true],
      ['covers', '::/0', false],
    ] as const)('should answer %s(%j) with %j', (method, entry, expected) => {
      expect(list[method](entry)).toBe(expected);
    });
  });
});
