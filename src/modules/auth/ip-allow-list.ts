import { BlockList, isIPv4 } from 'node:net';
import ipaddr from 'ipaddr.js';

/** At most this many entries per token: enough for a few networks, small enough to check fast. */
export const MAX_ALLOWED_IPS = 50;

type Address = ipaddr.IPv4 | ipaddr.IPv6;
interface Range {
  address: Address;
  bits: number;
}

/** Dotted-quad IPv4 or IPv6 text only: ipaddr.parse also takes `10`, `0x0a.1` and other oddities. */
function parseAddress(text: string): Address | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return ipaddr.IPv4.parse(text);
  }
  if (text.includes(':') && !text.includes('%') && ipaddr.IPv6.isValid(text)) {
    return ipaddr.IPv6.parse(text);
  }
  return null;
}

function parseEntry(entry: string): Range | null {
  const parts = entry.trim().split('/');
  if (parts.length > 2) {
    return null;
  }
  const address = parseAddress(parts[0]);
  if (!address) {
    return null;
  }
  const width = address.kind() === 'ipv4' ? 32 : 128;
  if (parts.length === 1) {
    return { address, bits: width };
  }
  if (!/^\d{1,3}$/.test(parts[1]) || Number(parts[1]) > width) {
    return null;
  }
  const bits = Number(parts[1]);
  const cidr = `${address.toString()}/${bits}`;
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(cidr)
      : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  return { address: network, bits };
}

function format(range: Range): string {
  const width = range.address.kind() === 'ipv4' ? 32 : 128;
  return range.bits === width
    ? range.address.toString()
    : `${range.address.toString()}/${range.bits}`;
}

/**
 * An entry of an allow-list in its one written form (lower-case, compressed IPv6, the network
 * address of a CIDR: `10.1.2.3/8` is `10.0.0.0/8`), or null when it is not an address or CIDR.
 */
export function normaliseIpEntry(entry: string): string | null {
  const range = parseEntry(entry);
  return range ? format(range) : null;
}

/**
 * A token's allowed client addresses, parsed once (when the principal is loaded) into node's
 * BlockList, so that each request is checked in memory.
 */
export class IpAllowList {
  private readonly list = new BlockList();

  private constructor(private readonly ranges: readonly Range[]) {
    for (const { address, bits } of ranges) {
      const family = address.kind();
      this.list.addSubnet(address.toString(), bits, family);
    }
  }

  /** Null for an empty list: the token may be used from anywhere. */
  static from(entries: readonly string[] | null | undefined): IpAllowList | null {
    const ranges = (entries ?? []).map(parseEntry).filter((range): range is Range => !!range);
    return ranges.length === 0 ? null : new IpAllowList(ranges);
  }

  /** True when the client address (as Fastify reports it, IPv4-mapped IPv6 included) is allowed. */
  allows(ip: string): boolean {
    const mapped = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    if (isIPv4(mapped)) {
      return this.list.check(mapped, 'ipv4');
    }
    return ip.includes(':') && this.list.check(ip, 'ipv6');
  }

  /** True when every address of `entry` is allowed by one range of this list (for no-escalation). */
  covers(entry: string): boolean {
    const inner = parseEntry(entry);
    return (
      !!inner &&
      this.ranges.some(
        (range) =>
          range.address.kind() === inner.address.kind() &&
          inner.bits >= range.bits &&
          inner.address.match(range.address, range.bits),
      )
    );
  }
}
