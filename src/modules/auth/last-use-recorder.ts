import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { LastUse, PrincipalSource } from './principal-source';

/** How long a last use waits for others to be written with it. */
export const LAST_USE_FLUSH_MS = 1_000;
/** This many uses waiting are written at once, without waiting for the timer. */
export const LAST_USE_BATCH_MAX = 1_000;
/**
 * Tokens tracked, both for "at most once per interval" and waiting to be written: while the
 * database is slow, uses beyond this are dropped (and taken again on the token's next request).
 */
export const LAST_USE_TRACKED_MAX = 50_000;

/**
 * Records when and from where each token was last used (`lastUsedAt`, `lastUsedIp`): at most once
 * per TOKEN_LAST_USED_INTERVAL_SECONDS per token, and written in batches (one transaction, or one
 * statement) instead of one write per token: under traffic from many tokens, a write per first
 * use cost as much as the rest of the gateway check. A use is recorded with the time it happened;
 * it reaches the database within about LAST_USE_FLUSH_MS, and before the application shuts down.
 * One batch is written at a time: what comes meanwhile waits, one entry per token.
 */
@Injectable()
export class LastUseRecorder implements OnApplicationShutdown {
  private readonly logger = new Logger(LastUseRecorder.name);
  /** When each token's last use was last taken for writing; least recently used first out. */
  private readonly takenAt = new LRUCache<string, number>({ max: LAST_USE_TRACKED_MAX });
  /** Uses waiting for the next batch, one per token. */
  private pending = new Map<string, LastUse>();
  private timer?: NodeJS.Timeout;
  /** Writing what is pending, batch after batch, until nothing is. */
  private flushing?: Promise<void>;

  constructor(
    private readonly source: PrincipalSource,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
  ) {}

  /** Takes a use of the token for a batch, unless one was taken within the interval. */
  record(tokenId: string, ip: string, now: number): void {
    const interval = this.auth.lastUsedIntervalMs;
    const taken = this.takenAt.get(tokenId);
    if (taken !== undefined && now - taken < interval) {
      return;
    }
    if (this.pending.size >= LAST_USE_TRACKED_MAX && !this.pending.has(tokenId)) {
      return;
    }
    this.takenAt.set(tokenId, now);
    // The condition in SQL keeps several instances from writing it more often between them.
    this.pending.set(tokenId, {
      tokenId,
      ip,
      at: new Date(now),
      unlessAfter: new Date(now - interval),
    });
    if (this.pending.size >= LAST_USE_BATCH_MAX) {
      void this.flush();
    } else {
      this.scheduleFlush();
    }
  }

  /** Writes what is pending, and what comes while it does; answers when nothing is left. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
      // Taken between the last batch and now: the next turn writes it.
      if (this.pending.size > 0) {
        this.scheduleFlush();
      }
    });
    return this.flushing;
  }

  /** After the HTTP server has closed, before the database does (TypeORM's module shuts down last). */
  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private scheduleFlush(): void {
    this.timer ??= setTimeout(() => void this.flush(), LAST_USE_FLUSH_MS).unref();
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.source.recordUses(batch);
      } catch (error) {
        // A lost last use is bookkeeping, not a failed request: said, not retried.
        this.logger.warn(
          `Could not record the last use of ${batch.length} token(s): ${String(error)}`,
        );
      }
    }
  }
}
