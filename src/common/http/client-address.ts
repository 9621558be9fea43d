import { isIP } from 'node:net';
import { FastifyRequest } from 'fastify';

/** Stands in for an address that cannot be known (the connection closed before it was read). */
const UNKNOWN_ADDRESS = '0.0.0.0';

const isAddress = (value: string | undefined): value is string =>
  value !== undefined && isIP(value) !== 0 && !value.includes('%');

/**
 * The client's address as the trusted hop saw it, always a valid IP. Fastify answers the first
 * X-Forwarded-For entry that TRUST_PROXY does not trust, which may be any text a client wrote
 * there (a proxy that forwards such a header unchanged, or a client that reaches the service
 * without the proxy). Then the address is the nearest valid one on the way to the service: that of
 * the last trusted hop, at worst the connection's peer.
 */
export function clientAddress(request: FastifyRequest): string {
  if (isAddress(request.ip)) {
    return request.ip;
  }
  const chain = request.ips ?? [];
  for (let index = chain.length - 1; index >= 0; index--) {
    if (isAddress(chain[index])) {
      return chain[index];
    }
  }
  const peer = request.socket?.remoteAddress;
  return isAddress(peer) ? peer : UNKNOWN_ADDRESS;
}

/**
 * An onRequest hook: from here on `request.ip`, which the throttle, `lastUsedIp` and the audit log
 * read, is a valid IP. It costs nothing when it already is (every request without a proxy).
 */
export function useValidClientAddress(
  request: FastifyRequest,
  _reply: unknown,
  done: () => void,
): void {
  const address = clientAddress(request);
  if (address !== request.ip) {
    Object.defineProperty(request, 'ip', { value: address, configurable: true });
  }
  done();
}
