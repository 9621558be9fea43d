import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  OnApplicationShutdown,
} from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { BoundedThrottlerStorage } from './bounded-throttler-storage';
import { credentialsConfig, CredentialsConfig } from './credentials.config';

const HOUR_MS = 60 * 60 * 1000;
/** Addresses remembered at once (about 10 MB at most). */
export const MAX_TRACKED_ADDRESSES = 50_000;

/**
 * REVOKE_RATE_LIMIT_PER_HOUR requests per client address (the one TRUST_PROXY decides), counted
 * in @nestjs/throttler's storage, bounded. Past the limit the address answers 429 with
 * Retry-After for an hour. Each instance counts on its own.
 */
@Injectable()
export class RevokeRateLimitGuard implements CanActivate, OnApplicationShutdown {
  private readonly storage = new BoundedThrottlerStorage(MAX_TRACKED_ADDRESSES);

  constructor(@Inject(credentialsConfig.KEY) private readonly config: CredentialsConfig) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(
      request.ip,
      HOUR_MS,
      this.config.revokeLimitPerHour,
      HOUR_MS,
      'credentials-revoke',
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

  onApplicationShutdown(): void {
    this.storage.onApplicationShutdown();
  }
}
