import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { LRUCache } from 'lru-cache';

interface Window {
  /** When the current window ends (ms since the epoch). */
  endsAt: number;
  hits: number;
  /** When the block ends, or 0 when the key is not blocked. */
  blockedUntil: number;
}

/**
 * Counts hits per key (a client address) in fixed windows, in this process's memory: the one
 * store of every per-address limit of the service. Past `limit` hits in a window the key is
 * blocked for `blockMs` (with 0, until the window ends). It holds at most `capacity` keys,
 * whatever clients send: a new key past that forgets the key hit longest ago, so an attacker with
 * many addresses can push counts out but never grow the memory. It is @nestjs/throttler's
 * ThrottlerStorage, so it stands in for the Redis storage when that is not configured or not
 * reachable; unlike the library's own in-memory storage it keeps one small record per key (no
 * list of hits) and has no bound-less map or sweep timer.
 */
export class BoundedRateLimitStore implements ThrottlerStorage {
  private readonly windows: LRUCache<string, Window>;

  constructor(capacity: number) {
    // lru-cache: O(1) per operation (a linked list over preallocated arrays), never a scan.
    this.windows = new LRUCache({ max: capacity });
  }

  get capacity(): number {
    return this.windows.max;
  }

  get size(): number {
    return this.windows.size;
  }

  /** Counts one hit of `key` (not while it is blocked) and answers where it stands. */
  hit(key: string, windowMs: number, limit: number, blockMs: number, now = Date.now()) {
    let window = this.windows.peek(key);
    const over = window && (window.blockedUntil > 0 ? window.blockedUntil : window.endsAt) <= now;
    if (!window || over) {
      // A key not seen, or whose window (or block) is over: a fresh window.
      window = { endsAt: now + windowMs, hits: 0, blockedUntil: 0 };
    }
    if (window.blockedUntil === 0) {
      window.hits += 1;
      if (window.hits > limit) {
        // Without a block duration, refused until the window ends.
        window.blockedUntil = blockMs > 0 ? now + blockMs : window.endsAt;
      }
    }
    this.windows.set(key, window);
    const blocked = window.blockedUntil > now;
    return {
      totalHits: window.hits,
      timeToExpire: seconds(window.endsAt - now),
      isBlocked: blocked,
      timeToBlockExpire: blocked ? Math.max(1, seconds(window.blockedUntil - now)) : 0,
    } satisfies ThrottlerStorageRecord;
  }

  /** ThrottlerStorage's form of hit(); the store serves one limit, so the name is not used. */
  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    _throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    return Promise.resolve(this.hit(key, ttl, limit, blockDuration));
  }
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}
