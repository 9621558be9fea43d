import { isIP } from 'node:net';

/** What Fastify is given as `trustProxy`: no proxy, a number of proxy hops, or the proxies' addresses/CIDRs. */
export type TrustProxy = false | number | string[];

/** The most proxy hops a deployment plausibly has in front of the service. */
const MAX_HOPS = 10;

const HOW =
  'TRUST_PROXY must be false, the number of proxies in front of the service (1 to 10), or a comma-separated list of their addresses/CIDRs';

/**
 * Reads TRUST_PROXY. `true` would trust every X-Forwarded-For entry, letting any client choose
 * the address used by the throttle, `lastUsedIp` and the audit log: it is refused with the message
 * saying what to set instead. Answers the setting, or a one-line problem.
 */
export function readTrustProxy(value: string): { value: TrustProxy } | { problem: string } {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'false' || trimmed === '0') {
    return { value: false };
  }
  if (trimmed === 'true') {
    return {
      problem: `TRUST_PROXY=true would trust any X-Forwarded-For a client sends: set the number of proxies in front of the service (e.g. 1 for one load balancer) or their addresses/CIDRs (e.g. 10.0.0.0/8)`,
    };
  }
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return hops <= MAX_HOPS ? { value: hops } : { problem: HOW };
  }
  const entries = trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0 || !entries.every(isAddressOrCidr)) {
    return { problem: HOW };
  }
  return { value: entries };
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0 || address.includes('%')) {
    return false;
  }
  if (prefix === undefined) {
    return true;
  }
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}
