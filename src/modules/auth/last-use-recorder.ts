import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { authConfig, AuthConfig } from '../../config/auth.config';
import { LastUse, PrincipalSource } from './principal-source';

/** How long a last use waits for others to be written with it. */
export const LAST_USE_FLUSH_MS = 1_000;
/** A batch this large is written at once, without waiting: the pending uses stay bounded. */
export const LAST_USE_BATCH_MAX = 1_000;
/** Tokens whose last write is remembered, to write each at most once per interval. */
const REMEMBERED_TOKENS_MAX = 50_000;

/**
 * Records when and from where each token was last used (`lastUsedAt`, `lastUsedIp`): at most once
 * per TOKEN_LAST_USED_INTERVAL_SECONDS per token, and written in batches (one transaction, or one
 * statement, a second) instead of one write per token: under traffic from many tokens, a write
 * per first use cost as much as the rest of the gateway check. A use is recorded with the time it
 * happened; it reaches the database within LAST_USE_FLUSH_MS, and before the process exits.
 */
@Injectable()
export class LastUseRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger(LastUseRecorder.name);
  /** When each token's last use was last taken for writing. */
  private readonly writtenAt = new Map<string, number>();
  /** Uses waiting for the next batch, one per token. */
  private pending = new Map<string, LastUse>();
  private timer?: NodeJS.Timeout;
  /** The batch being written: the next one waits for it, and shutdown waits for both. */
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: PrincipalSource,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
  ) {}

  /** Takes a use of the token for the next batch, unless one was taken within the interval. */
  record(tokenId: string, ip: string, now: number): void {
    const interval = this.auth.lastUsedIntervalMs;
    if (now - (this.writtenAt.get(tokenId) ?? 0) < interval) {
      return;
    }
    if (this.writtenAt.size >= REMEMBERED_TOKENS_MAX) {
      this.forgetOlderThan(now - interval);
    }
    if (this.writtenAt.size >= REMEMBERED_TOKENS_MAX) {
      // All within the interval: forgetting them costs at most an early write each, which the
      // condition in SQL refuses.
      this.writtenAt.clear();
    }
    this.writtenAt.set(tokenId, now);
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
      this.timer ??= setTimeout(() => void this.flush(), LAST_USE_FLUSH_MS).unref();
    }
  }

  /** Writes what is pending, after the batch being written; answers when both are written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size > 0) {
      const batch = [...this.pending.values()];
      this.pending = new Map();
      this.writing = this.writing.then(() =>
        this.source.recordUses(batch).catch((error: unknown) =>
          // A lost last use is bookkeeping, not a failed request: said, not retried.
          this.logger.warn(
            `Could not record the last use of ${batch.length} token(s): ${String(error)}`,
          ),
        ),
      );
    }
    return this.writing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private forgetOlderThan(threshold: number): void {
    for (const [tokenId, writtenAt] of this.writtenAt) {
      if (writtenAt <= threshold) {
        this.writtenAt.delete(tokenId);
      }
    }
  }
}
