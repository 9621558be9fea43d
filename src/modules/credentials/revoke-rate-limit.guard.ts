import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { PerAddressLimit } from '../../common/rate-limit';
import { credentialsConfig, CredentialsConfig } from './credentials.config';

const HOUR_MS = 60 * 60 * 1000;
/** Addresses remembered at once (a few MB at most); past that the oldest is forgotten. */
export const MAX_TRACKED_ADDRESSES = 50_000;

/**
 * REVOKE_RATE_LIMIT_PER_HOUR requests per client address. Past the limit the address answers 429
 * with Retry-After for an hour. Each instance counts on its own.
 */
@Injectable()
export class RevokeRateLimitGuard implements CanActivate {
  readonly limit: PerAddressLimit;

  constructor(@Inject(credentialsConfig.KEY) config: CredentialsConfig) {
    this.limit = new PerAddressLimit({
      limit: config.revokeLimitPerHour,
      windowMs: HOUR_MS,
      blockMs: HOUR_MS,
      maxAddresses: MAX_TRACKED_ADDRESSES,
      refusal: 'Too many revocation requests from this address; try again later',
    });
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    this.limit.count(http.getRequest<FastifyRequest>().ip, http.getResponse<FastifyReply>());
    return true;
  }
}
