import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
} from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { BoundedRateLimitStore } from '../../common/rate-limit';
import { credentialsConfig, CredentialsConfig } from './credentials.config';

const HOUR_MS = 60 * 60 * 1000;
/** Addresses remembered at once (a few MB at most); past that the oldest is forgotten. */
export const MAX_TRACKED_ADDRESSES = 50_000;

/**
 * REVOKE_RATE_LIMIT_PER_HOUR requests per client address (the one TRUST_PROXY decides), counted
 * in the service's bounded rate-limit store. Past the limit the address answers 429 with
 * Retry-After for an hour. Each instance counts on its own.
 */
@Injectable()
export class RevokeRateLimitGuard implements CanActivate {
  readonly storage = new BoundedRateLimitStore(MAX_TRACKED_ADDRESSES);

  constructor(@Inject(credentialsConfig.KEY) private readonly config: CredentialsConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const { isBlocked, timeToBlockExpire } = this.storage.hit(
      request.ip,
      HOUR_MS,
      this.config.revokeLimitPerHour,
      HOUR_MS,
    );
    if (isBlocked) {
      void http.getResponse<FastifyReply>().header('Retry-After', String(timeToBlockExpire));
      throw new HttpException(
        'Too many revocation requests from this address; try again later',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    return true;
  }
}
