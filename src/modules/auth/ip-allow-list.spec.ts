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
  ])('should write %s as %s', (entry, expected) => {
    expect(normaliseIpEntry(entry)).toBe(expected);
  });

  it.each([
    'example.com',
    '10',
    '0x0a.0.0.1',
    '10.0.0.256',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    '::1/129',
    'fe80::1%eth0',
    '',
  ])('should refuse %j', (entry) => {
    expect(normaliseIpEntry(entry)).toBeNull();
  });
});

describe('IpAllowList', () => {
  it('should be null for no entries: usable from anywhere', () => {
    expect(IpAllowList.from([])).toBeNull();
    expect(IpAllowList.from(undefined)).toBeNull();
  });

  it('should allow addresses inside its ranges and refuse the rest, IPv4 and IPv6', () => {
    const list = IpAllowList.from(['10.0.0.0/8', '192.168.1.7', '2001:db8::/32'])!;

    expect(list.allows('10.200.3.4')).toBe(true);
    expect(list.allows('192.168.1.7')).toBe(true);
    expect(list.allows('192.168.1.8')).toBe(false);
    expect(list.allows('11.0.0.1')).toBe(false);
    expect(list.allows('2001:db8:ffff::1')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(list.allows('not an address')).toBe(false);
  });

  it('should read an IPv4-mapped IPv6 client address as IPv4', () => {
    const list = IpAllowList.from(['127.0.0.0/8'])!;

    expect(list.allows('::ffff:127.0.0.1')).toBe(true);
    expect(list.allows('::ffff:128.0.0.1')).toBe(false);
  });

  it('should tell whether an entry lies wholly inside one of its ranges', () => {
    const list = IpAllowList.from(['10.0.0.0/8', '2001:db8::/32'])!;

    expect(list.covers('10.1.0.0/16')).toBe(true);
    expect(list.covers('10.1.2.3')).toBe(true);
    expect(list.covers('10.0.0.0/7')).toBe(false);
    expect(list.covers('11.0.0.1')).toBe(false);
    expect(list.covers('2001:db8:1::/48')).toBe(true);
    expect(list.covers('::/0')).toBe(false);
  });
});
