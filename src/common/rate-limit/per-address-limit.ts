import { HttpException, HttpStatus } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { BoundedRateLimitStore } from './bounded-rate-limit-store';

export interface PerAddressRule {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** How long an address past the limit is refused; 0: until its window ends. */
  blockMs: number;
  /** Addresses counted at once; past that the one seen longest ago is forgotten. */
  maxAddresses: number;
  /** The 429's message. */
  refusal: string;
}

/**
 * A limit of one route's requests per client address (the one TRUST_PROXY decides), counted in
 * this process: past it the request answers 429 with Retry-After.
 */
export class PerAddressLimit {
  private readonly store: BoundedRateLimitStore;

  constructor(private readonly rule: PerAddressRule) {
    this.store = new BoundedRateLimitStore(rule.maxAddresses);
  }

  /** How many addresses are being counted (never more than `maxAddresses`). */
  get trackedAddresses(): number {
    return this.store.size;
  }

  /** Counts a request from `ip`; past the limit, sets Retry-After on `reply` and throws 429. */
  count(ip: string, reply: FastifyReply): void {
    const { limit, windowMs, blockMs, refusal } = this.rule;
    const { isBlocked, timeToBlockExpire } = this.store.hit(ip, windowMs, limit, blockMs);
    if (isBlocked) {
      void reply.header('Retry-After', String(timeToBlockExpire));
      throw new HttpException(refusal, HttpStatus.TOO_MANY_REQUESTS);
    }
  }
}
