import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { BoundedRateLimitStore } from '../../common/rate-limit';
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
const REDIS_RETRY_MS = 5_000;

/** Where failed authentications are counted right now, for the readiness check. */
export interface ThrottleStoreState {
  store: 'redis' | 'memory';
  /** Set when REDIS_URL is configured but Redis does not answer. */
  degraded?: string;
}

/**
 * Counts refused tokens per client address (in memory, or in Redis when REDIS_URL is set, shared
 * by every instance). Past the limit the address is blocked: further refused tokens from it
 * answer 429 at once, without counting them again. A valid token from a blocked address is
 * served: a 256-bit secret with a checksum cannot be guessed, so the block exists to shed the
 * load of wrong guesses, and must not lock out the other clients behind one NAT or balancer.
 * A block is announced to every instance through Redis, so that the next refusal costs no
 * round trip anywhere.
 *
 * While REDIS_URL is set but Redis does not answer, failures are counted in this instance's
 * memory instead (the limit then holds per instance), without waiting on Redis; the change is
 * logged once each way and shown by the readiness check.
 */
@Injectable()
export class FailedAuthenticationThrottle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(FailedAuthenticationThrottle.name);
  /** Blocks known to this instance: seen here or announced by another instance. */
  private readonly blockedUntil = new LRUCache<string, number>({
    max: MAX_TRACKED_ADDRESSES,
  });
  /** Counts while Redis is configured but unreachable. */
  private readonly fallback: BoundedRateLimitStore | null;
  /** Whether Redis answers: unknown until the first connection attempt ends. */
  private redisUp: boolean | undefined;
  private lastRedisError = '';
  /** After a command failed on a connection that stayed open: when to try Redis again. */
  private retryRedisAt = 0;
  private subscriber?: Redis;

  constructor(
    @Inject(FAILED_AUTH_STORAGE) private readonly storage: ThrottlerStorage,
    @Inject(FAILED_AUTH_REDIS) private readonly redis: Redis | null,
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
  ) {
    this.fallback = redis ? new BoundedRateLimitStore(MAX_TRACKED_ADDRESSES) : null;
    // Listening from the start: the first connection attempt may fail before the module is ready.
    redis?.on('ready', () => this.redisAnswers(true));
    // Every failed reconnection emits both; only a change of state is logged.
    redis?.on('error', (error: Error) => (this.lastRedisError = error.message));
    redis?.on('close', () => this.redisAnswers(false));
  }

  onModuleInit(): void {
    if (!this.redis) {
      return;
    }
    if (this.redis.status === 'ready') {
      this.redisAnswers(true);
    }
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => this.remember(message));
    // The main connection's changes are logged; the subscriber's own errors would only repeat them.
    subscriber.on('error', () => undefined);
    // Subscribed at every (re)connection: a subscription refused at start-up is made once Redis is up.
    subscriber.on('ready', () => {
      subscriber.subscribe(BLOCKS_CHANNEL).catch(() => undefined);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
    // Closing on purpose is not Redis going away.
    this.redis?.removeAllListeners('close');
    await this.redis?.quit().catch(() => undefined);
  }

  /** Where failures are counted now: shown by GET /health/ready. */
  state(): ThrottleStoreState {
    if (!this.redis) {
      return { store: 'memory' };
    }
    if (this.redisUp) {
      return { store: 'redis' };
    }
    return {
      store: 'memory',
      degraded:
        'REDIS_URL is set but Redis does not answer: failed authentications are counted by each instance on its own until it is back',
    };
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
    const record = await this.count(`auth-failure:${ip}`);
    if (!record.isBlocked) {
      return 0;
    }
    const seconds = Math.max(1, record.timeToBlockExpire);
    const until = Date.now() + seconds * 1000;
    this.blockedUntil.set(ip, until);
    if (this.redisUp) {
      this.redis?.publish(BLOCKS_CHANNEL, JSON.stringify({ ip, until })).catch(() => undefined);
    }
    return seconds;
  }

  /** Addresses whose block this instance remembers (at most MAX_TRACKED_ADDRESSES). */
  get trackedBlocks(): number {
    return this.blockedUntil.size;
  }

  /** Counts in Redis while it answers, else in this instance's memory. */
  private async count(key: string) {
    const { failureWindowMs, failureLimit, failureBlockMs } = this.config;
    const now = Date.now();
    const tryRedis =
      this.redis?.status === 'ready' && (this.redisUp !== false || now >= this.retryRedisAt);
    if (!this.fallback || tryRedis) {
      try {
        const record = await this.storage.increment(
          key,
          failureWindowMs,
          failureLimit,
          failureBlockMs,
          THROTTLER_NAME,
        );
        if (this.fallback) {
          this.redisAnswers(true);
        }
        return record;
      } catch (error) {
        if (!this.fallback) {
          throw error;
        }
        // A timeout on a connection that stays open: try again in a while, not on every request.
        this.retryRedisAt = now + REDIS_RETRY_MS;
        this.lastRedisError = error instanceof Error ? error.message : String(error);
        this.redisAnswers(false);
      }
    }
    return this.fallback.hit(key, failureWindowMs, failureLimit, failureBlockMs);
  }

  /** Records whether Redis answers, logging only a change. */
  private redisAnswers(up: boolean): void {
    if (this.redisUp === up) {
      return;
    }
    const before = this.redisUp;
    this.redisUp = up;
    if (!up) {
      this.logger.warn(
        `Redis does not answer (${this.lastRedisError || 'connection closed'}): failed authentications are counted in this instance's memory until it is back`,
      );
    } else if (before === false) {
      this.logger.log('Redis answers again: failed authentications are counted in Redis');
    }
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
}
