import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { DomainEventPublisher } from '../../common/events/domain-event-publisher';
import { RepeatingTaskProvider } from '../../common/scheduling/repeating-task';
import { DeliveryAttempt, WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { WebhookMessage } from './entities/webhook-message.entity';
import { AttemptOutcome, postWebhook } from './outbound-request';
import { WebhookSecrets } from './webhook-secrets';
import { signedHeaders } from './webhook-signature';
import { webhooksConfig, WebhooksConfig } from './webhooks.config';

/** Deliveries claimed per round; each is the oldest pending one of its endpoint. */
const CLAIM_BATCH = 20;
/** A claim outlives the attempt's timeout by this much before another instance may retry it. */
const LEASE_MARGIN_MS = 30_000;
/** Finished deliveries (and their events) are kept this long for GET .../deliveries. */
export const DELIVERY_RETENTION_DAYS = 30;
const PURGE_EVERY_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

type ClaimedDelivery = WebhookDelivery & { endpoint: WebhookEndpoint; message: WebhookMessage };

/**
 * Sends what the outbox holds. Every instance runs one: a round claims due deliveries by
 * setting their lease in one statement (on PostgreSQL the candidates are locked with
 * `FOR UPDATE SKIP LOCKED`, so two instances never claim the same row), sends them, and records
 * the outcome. Only the oldest pending delivery of each endpoint is ever due, so an endpoint
 * receives its events in order; one that fails holds the later ones back until it is delivered or
 * given up. Runs only in the server, not in the command-line tool.
 */
@Injectable()
export class WebhookDispatcher extends RepeatingTaskProvider {
  private readonly postgres: boolean;
  private lastPurge = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: DomainEventPublisher,
    private readonly secrets: WebhookSecrets,
    adapterHost: HttpAdapterHost,
    @Inject(webhooksConfig.KEY) private readonly config: WebhooksConfig,
  ) {
    super(adapterHost, config.dispatchIntervalMs, 'Webhook dispatch failed');
    this.postgres = dataSource.options.type === 'postgres';
  }

  /**
   * Rounds until nothing is due. On shutdown it ends after the round in flight, whose attempts
   * are bounded by the timeout.
   */
  protected async runOnce(): Promise<void> {
    while (!this.stopping && (await this.dispatchDue()) > 0) {
      // the next round at once: more may be due behind the ones just sent
    }
    if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
      this.lastPurge = Date.now();
      await this.purge(new Date());
    }
  }

  /** One round: claims, sends and settles the due deliveries; answers how many there were. */
  async dispatchDue(): Promise<number> {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + this.config.timeoutMs + LEASE_MARGIN_MS);
    const ids = await this.publisher.transaction(({ manager }) =>
      this.claim(manager, now, leaseUntil),
    );
    if (ids.length === 0) {
      return 0;
    }
    const claimed = (await this.dataSource.getRepository(WebhookDelivery).find({
      where: { id: In(ids) },
      relations: { endpoint: true, message: true },
    })) as ClaimedDelivery[];
    await Promise.all(claimed.map((delivery) => this.attempt(delivery, leaseUntil)));
    return ids.length;
  }

  private async claim(manager: EntityManager, now: Date, leaseUntil: Date): Promise<string[]> {
    const p = this.postgres ? (n: number) => `$${n}` : () => '?';
    const due = `
      SELECT d.sequence FROM webhook_deliveries d
        JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled = ${this.postgres ? 'true' : '1'}
       WHERE d.state = 'pending' AND d.next_attempt_at <= ${p(2)}
         AND (d.lease_until IS NULL OR d.lease_until <= ${p(3)})
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries earlier
                          WHERE earlier.endpoint_id = d.endpoint_id AND earlier.state = 'pending'
                            AND earlier.sequence < d.sequence)
       ORDER BY d.sequence
       LIMIT ${CLAIM_BATCH}${this.postgres ? ' FOR UPDATE OF d SKIP LOCKED' : ''}`;
    const parameters = [leaseUntil, now, now].map((date) => this.timestamp(date));
    const result: unknown = await manager.query(
      `UPDATE webhook_deliveries SET lease_until = ${p(1)} WHERE sequence IN (${due}) RETURNING id`,
      parameters,
    );
    // PostgreSQL's driver answers an UPDATE as [rows, count]; SQLite's as the rows.
    const rows = (this.postgres ? (result as [unknown[]])[0] : result) as { id: string }[];
    return rows.map((row) => row.id);
  }

  private async attempt(delivery: ClaimedDelivery, leaseUntil: Date): Promise<void> {
    const { endpoint, message } = delivery;
    const at = new Date();
    let outcome: AttemptOutcome;
    const secret = this.secrets.open(endpoint);
    if (secret === null) {
      outcome = {
        statusCode: null,
        durationMs: 0,
        excerpt: null,
        error: 'The signing secret cannot be decrypted: TOKEN_PEPPER differs from when it was made',
      };
    } else {
      outcome = await postWebhook(
        endpoint.url,
        { ...signedHeaders(secret, message.id, message.body, at) },
        message.body,
        {
          timeoutMs: this.config.timeoutMs,
          allowPrivateNetworks: this.config.allowPrivateNetworks,
        },
      );
    }
    await this.publisher.transaction(({ manager }) =>
      this.settle(manager, delivery, { at: at.toISOString(), ...outcome }, leaseUntil),
    );
  }

  /** Records the attempt and decides: delivered, retried later, or failed (410 or out of retries). */
  private async settle(
    manager: EntityManager,
    delivery: ClaimedDelivery,
    attempt: DeliveryAttempt,
    leaseUntil: Date,
  ): Promise<void> {
    const now = new Date();
    const attempts = [...delivery.attempts, attempt];
    const status = attempt.statusCode;
    const retryIndex = attempts.length - 1;
    let changes: Partial<WebhookDelivery>;
    if (status !== null && status >= 200 && status < 300) {
      changes = { state: 'delivered', finishedAt: now };
    } else if (status === 410) {
      changes = { state: 'failed', finishedAt: now };
      await manager.update(
        WebhookEndpoint,
        { id: delivery.endpointId },
        {
          enabled: false,
          disabledReason: `The endpoint answered 410 Gone at ${attempt.at}`,
          updatedAt: now,
        },
      );
      this.logger.warn(`Webhook ${delivery.endpointId} answered 410 Gone: disabled`);
    } else if (retryIndex < this.config.retryScheduleMs.length) {
      changes = {
        nextAttemptAt: new Date(now.getTime() + this.config.retryScheduleMs[retryIndex]),
      };
    } else {
      changes = { state: 'failed', finishedAt: now };
    }
    // Only while this instance still holds the claim: after a lease ran out, another one owns it.
    await manager
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ ...changes, attempts, leaseUntil: null })
      .where('id = :id AND lease_until = :leaseUntil', { id: delivery.id, leaseUntil })
      .execute();
  }

  /** Forgets finished deliveries, and events no delivery refers to, after the retention. */
  async purge(now: Date): Promise<void> {
    const cutoff = new Date(now.getTime() - DELIVERY_RETENTION_DAYS * DAY_MS);
    await this.publisher.transaction(async ({ manager }) => {
      await manager
        .createQueryBuilder()
        .delete()
        .from(WebhookDelivery)
        .where("state <> 'pending' AND finished_at < :cutoff", { cutoff })
        .execute();
      await manager
        .createQueryBuilder()
        .delete()
        .from(WebhookMessage)
        .where(
          'created_at < :cutoff AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.message_id = webhook_messages.id)',
          { cutoff },
        )
        .execute();
    });
  }

  /** A parameter for raw SQL: SQLite compares the text TypeORM writes ("2026-11-27 20:00:00.000"). */
  private timestamp(date: Date): Date | string {
    return this.postgres ? date : date.toISOString().replace('T', ' ').replace('Z', '');
  }
}
