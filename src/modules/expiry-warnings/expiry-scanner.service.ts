import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThan, Repository } from 'typeorm';
import { DomainEvent, SYSTEM_ACTOR } from '../../common/events/domain-event';
import { DomainEventPublisher } from '../../common/events/domain-event-publisher';
import { RepeatingTaskProvider } from '../../common/scheduling/repeating-task';
import { isUniqueViolation } from '../../database/database-errors';
import {
  ExpiringToken,
  PersonalAccessTokensService,
} from '../personal-access-tokens/personal-access-tokens.service';
import { TokenExpiryNotice } from './entities/token-expiry-notice.entity';
import { DueNotice, dueNotice, thresholdOf } from './expiry-notice';
import { expiryWarningsConfig, ExpiryWarningsConfig } from './expiry-warnings.config';

/** Events of this module. */
export const ExpiryEvents = {
  Expiring: 'token.expiring',
  Expired: 'token.expired',
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Tokens that expired longer ago than this are not announced: a first start (or one after a long
 * outage) does not flood the receivers with old expiries. Notices older than this are forgotten.
 */
export const EXPIRED_LOOKBACK_DAYS = 7;
const BATCH = 500;

/**
 * Every EXPIRY_SCAN_INTERVAL_SECONDS, each instance looks for tokens due a notice: `token.expiring`
 * at the nearest threshold of EXPIRY_WARNING_DAYS crossed, `token.expired` once expired. A notice
 * is a row of token_expiry_notices written in the transaction that publishes its event; its
 * primary key (token, expiry, threshold) lets only one instance's insert, and so one event,
 * through. Runs only in the server, not in the command-line tool.
 */
@Injectable()
export class ExpiryScanner extends RepeatingTaskProvider {
  constructor(
    @InjectRepository(TokenExpiryNotice) private readonly notices: Repository<TokenExpiryNotice>,
    private readonly tokens: PersonalAccessTokensService,
    private readonly publisher: DomainEventPublisher,
    adapterHost: HttpAdapterHost,
    @Inject(expiryWarningsConfig.KEY) private readonly config: ExpiryWarningsConfig,
  ) {
    super(adapterHost, config.scanIntervalMs, 'Expiry scan failed');
  }

  protected runOnce(): Promise<number> {
    return this.scan();
  }

  /** One scan: sends what is due at `now`; answers how many notices this instance sent. */
  async scan(now = new Date()): Promise<number> {
    const from = new Date(now.getTime() - EXPIRED_LOOKBACK_DAYS * DAY_MS);
    const to = new Date(now.getTime() + Math.max(...this.config.warningDays) * DAY_MS);
    let sent = 0;
    let afterId: string | null = null;
    while (!this.stopping) {
      const batch = await this.tokens.expiringBetween(from, to, afterId, BATCH);
      if (batch.length === 0) {
        break;
      }
      afterId = batch[batch.length - 1].id;
      const already = new Set(
        (await this.notices.findBy({ tokenId: In(batch.map((token) => token.id)) })).map(keyOf),
      );
      for (const token of batch) {
        const due = dueNotice(token.expiresAt, now, this.config.warningDays);
        if (!due) {
          continue;
        }
        const notice: TokenExpiryNotice = {
          tokenId: token.id,
          expiresAt: token.expiresAt,
          thresholdDays: thresholdOf(due),
          sentAt: now,
        };
        if (!already.has(keyOf(notice)) && (await this.send(token, due, notice))) {
          sent += 1;
        }
      }
      if (batch.length < BATCH) {
        break;
      }
    }
    await this.publisher.transaction(({ manager }) =>
      manager.delete(TokenExpiryNotice, { expiresAt: LessThan(from) }),
    );
    return sent;
  }

  /** Records the notice and publishes its event together; false when another scan was first. */
  private async send(
    token: ExpiringToken,
    due: DueNotice,
    notice: TokenExpiryNotice,
  ): Promise<boolean> {
    try {
      await this.publisher.transaction(async (tx) => {
        await tx.manager.insert(TokenExpiryNotice, notice);
        tx.publish(noticeEvent(token, due));
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) {
        return false;
      }
      throw error;
    }
  }
}

function keyOf(notice: Pick<TokenExpiryNotice, 'tokenId' | 'expiresAt' | 'thresholdDays'>) {
  return `${notice.tokenId}|${notice.expiresAt.getTime()}|${notice.thresholdDays}`;
}

function noticeEvent(token: ExpiringToken, due: DueNotice): DomainEvent {
  const details: Record<string, unknown> = {
    note: token.note,
    userId: token.userId,
    expiresAt: token.expiresAt.toISOString(),
  };
  if (due.kind === 'expiring') {
    details.thresholdDays = due.thresholdDays;
  }
  return {
    name: due.kind === 'expiring' ? ExpiryEvents.Expiring : ExpiryEvents.Expired,
    organisationId: token.organisationId,
    actor: SYSTEM_ACTOR,
    targetType: 'token',
    targetId: token.id,
    details,
  };
}
