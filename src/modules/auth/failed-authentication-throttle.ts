import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { authConfig, AuthConfig } from '../../config/auth.config';

export const FAILED_AUTH_STORAGE = Symbol('FAILED_AUTH_STORAGE');
/** The Redis connection of the shared throttle, or null when it lives in memory. */
export const FAILED_AUTH_REDIS = Symbol('FAILED_AUTH_REDIS');
const THROTTLER_NAME = 'failed-authentication';
const BLOCKS_CHANNEL = 'pat-service:auth-blocks';
const MAX_REMEMBERED_BLOCKS = 100_000;
const WARN_EVERY_MS = 10_000;

/**
 * Counts failed authentications per client address in the throttler storage (memory, or Redis when
 * REDIS_URL is set, shared by every instance). Past the limit the address is blocked: every request
 * from it answers 429 before any token is looked up, so that a correct guess cannot get through
 * either. Valid tokens are never counted. A block is announced to every instance through Redis,
 * so that checking a request costs no round trip anywhere.
 */
@Injectable()
export class FailedAuthenticationThrottle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(FailedAuthenticationThrottle.name);
  /** Blocks known to this instance: seen here or announced by another instance. */
  private readonly blockedUntil = new Map<string, number>();
  private subscriber?: Redis;
  private lastWarning = 0;

  constructor(
    @Inject(FAILED_AUTH_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(FAILED_AUTH_REDIS) private readonly redis: Redis | null,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.redis) {
      return;
    }
    this.subscriber = this.redis.duplicate({ enableOfflineQueue: true });
    this.subscriber.on('message', (_channel: string, message: string) => this.remember(message));
    this.subscriber.on('error', (error: Error) => this.warn(`Redis subscriber: ${error.message}`));
    await this.subscriber
      .subscribe(BLOCKS_CHANNEL)
      .catch((error: Error) => this.warn(error.message));
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
    await this.redis?.quit().catch(() => undefined);
  }

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
      const until = Date.now() + seconds * 1000;
      this.block(ip, until);
      this.redis?.publish(BLOCKS_CHANNEL, JSON.stringify({ ip, until })).catch(() => undefined);
      return seconds;
    } catch (error) {
      // The throttle must not turn a failed authentication into a 500 when its store is down.
      this.warn(`Could not count a failed authentication: ${String(error)}`);
      return 0;
    }
  }

  private remember(message: string): void {
    try {
      const { ip, until } = JSON.parse(message) as { ip: unknown; until: unknown };
      if (typeof ip === 'string' && typeof until === 'number' && until > Date.now()) {
        this.block(ip, until);
      }
    } catch {
      // not one of ours
    }
  }

  private block(ip: string, until: number): void {
    if (this.blockedUntil.size >= MAX_REMEMBERED_BLOCKS) {
      const now = Date.now();
      for (const [address, expiry] of this.blockedUntil) {
        if (expiry <= now) {
          this.blockedUntil.delete(address);
        }
      }
    }
    this.blockedUntil.set(ip, until);
  }

  /** At most one warning every ten seconds: an attack on a broken store must not flood the log. */
  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarning >= WARN_EVERY_MS) {
      this.lastWarning = now;
      this.logger.warn(message);
    }
  }
}
