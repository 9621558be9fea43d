import { Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import { authConfig, AuthConfig } from '../../config/auth.config';

export const FAILED_AUTH_STORAGE = Symbol('FAILED_AUTH_STORAGE');
const THROTTLER_NAME = 'failed-authentication';

/**
 * Counts failed authentications per client address in the throttler storage (memory, or Redis when
 * REDIS_URL is set, shared by every instance). Past the limit the address is blocked: every request
 * from it answers 429 before any token is looked up, so that a correct guess cannot get through
 * either. Valid tokens are never counted.
 */
@Injectable()
export class FailedAuthenticationThrottle {
  private readonly logger = new Logger(FailedAuthenticationThrottle.name);
  /** Blocks seen by this instance, so that checking costs no round trip. */
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    @Inject(FAILED_AUTH_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  /** Seconds until the address may try again, or 0 when it is not blocked. */
  retryAfterSeconds(ip: string, now = Date.now()): number {
    const until = this.blockedUntil.get(ip);
    if (until === undefined) {
      return 0;
    }
    if (until <= now) {
      this.blockedUntil.delete(ip);
      return 0;
    }
    return Math.ceil((until - now) / 1000);
  }

  /** Records a failure; answers the seconds to wait when the address is now blocked, else 0. */
  async recordFailure(ip: string): Promise<number> {
    try {
      const record = await this.storage.increment(
        `auth-failure:${ip}`,
        this.config.failureWindowMs,
        this.config.failureLimit,
        this.config.failureBlockMs,
        THROTTLER_NAME,
      );
      if (!record.isBlocked) {
        return 0;
      }
      const seconds = Math.max(1, record.timeToBlockExpire);
      this.blockedUntil.set(ip, Date.now() + seconds * 1000);
      return seconds;
    } catch (error) {
      // The throttle must not turn a failed authentication into a 500 when its store is down.
      this.logger.warn(`Could not count a failed authentication: ${String(error)}`);
      return 0;
    }
  }
}
