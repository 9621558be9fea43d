import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { authConfig, AuthConfig } from '../../config/auth.config';

export const FAILED_AUTH_STORAGE = Symbol('FAILED_AUTH_STORAGE');
/** The Redis connection of the shared throttle, or null when it lives in memory. */
export const FAILED_AUTH_REDIS = Symbol('FAILED_AUTH_REDIS');
const THROTTLER_NAME = 'failed-authentication';
const BLOCKS_CHANNEL = 'pat-service:auth-blocks';
/**
 * Addresses tracked in memory at once, counts and known blocks alike (about 10 MB each when
 * full): past that the address seen longest ago is forgotten, whatever the number of addresses.
 */
export const MAX_TRACKED_ADDRESSES = 100_000;
const WARN_EVERY_MS = 10_000;

/**
 * Counts refused tokens per client address (in memory, or in Redis when REDIS_URL is set, shared
 * by every instance). Past the limit the address is blocked: further refused tokens from it
 * answer 429 at once, without counting them again. A valid token from a blocked address is
 * served: a 256-bit secret with a checksum cannot be guessed, so the block exists to shed the
 * load of wrong guesses, and must not lock out the other clients behind one NAT or balancer.
 * A block is announced to every instance through Redis, so that the next refusal costs no
 * round trip anywhere.
 */
@Injectable()
export class FailedAuthenticationThrottle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(FailedAuthenticationThrottle.name);
  /** Blocks known to this instance: seen here or announced by another instance. */
  private readonly blockedUntil = new LRUCache<string, number>({
    max: MAX_TRACKED_ADDRESSES,
  });
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

  /**
   * A token from `ip` was refused. Answers the seconds to wait when the address is blocked
   * (answer 429), else 0 (answer 401). A refusal from an address known to be blocked is not
   * counted again, and costs no round trip.
   */
  async recordFailure(ip: string, now = Date.now()): Promise<number> {
    const known = this.knownBlock(ip, now);
    if (known > 0) {
      return known;
    }
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
      this.blockedUntil.set(ip, until);
      this.redis?.publish(BLOCKS_CHANNEL, JSON.stringify({ ip, until })).catch(() => undefined);
      return seconds;
    } catch (error) {
      // The throttle must not turn a failed authentication into a 500 when its store is down.
      this.warn(`Could not count a failed authentication: ${String(error)}`);
      return 0;
    }
  }

  /** Addresses whose block this instance remembers (at most MAX_TRACKED_ADDRESSES). */
  get trackedBlocks(): number {
    return this.blockedUntil.size;
  }

  /** Seconds until a block this instance knows of ends, or 0. */
  private knownBlock(ip: string, now: number): number {
    const until = this.blockedUntil.peek(ip);
    if (until === undefined) {
      return 0;
    }
    if (until <= now) {
      this.blockedUntil.delete(ip);
      return 0;
    }
    return Math.ceil((until - now) / 1000);
  }

  private remember(message: string): void {
    try {
      const { ip, until } = JSON.parse(message) as { ip: unknown; until: unknown };
      if (typeof ip === 'string' && typeof until === 'number' && until > Date.now()) {
        this.blockedUntil.set(ip, until);
      }
    } catch {
      // not one of ours
    }
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
