import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { currentDatabaseKind } from '../../../database/database-kind';
import {
  BelongsTo,
  jsonColumnType,
  TimestampColumn,
  UuidColumn,
} from '../../../database/column-types';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookMessage } from './webhook-message.entity';

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One attempt to send a delivery, as recorded. */
export interface DeliveryAttempt {
  at: string;
  statusCode: number | null;
  durationMs: number;
  /** The first bytes of the answer (bounded). */
  excerpt: string | null;
  error: string | null;
}

/**
 * One message to one endpoint. `sequence` orders an endpoint's deliveries: the dispatcher sends
 * an endpoint's oldest pending delivery only, so they arrive in order. A row is claimed by
 * setting `leaseUntil`; an instance that dies mid-send leaves a lease that runs out, and another
 * instance sends it again (at least once).
 */
@Entity('webhook_deliveries')
@Index('webhook_deliveries_endpoint_state_index', ['endpointId', 'state', 'sequence'])
@Index('webhook_deliveries_state_due_index', ['state', 'nextAttemptAt'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn({ type: currentDatabaseKind() === 'postgres' ? 'bigint' : 'integer' })
  sequence: string;

  @Index('webhook_deliveries_id_unique', { unique: true })
  @UuidColumn()
  id: string;

  @BelongsTo(() => WebhookEndpoint)
  endpoint?: WebhookEndpoint;

  @UuidColumn()
  endpointId: string;

  @BelongsTo(() => WebhookMessage)
  message?: WebhookMessage;

  @Index('webhook_deliveries_message_index')
  @UuidColumn()
  messageId: string;

  @Column({ type: 'varchar', length: 16 })
  state: DeliveryState;

  @TimestampColumn()
  nextAttemptAt: Date;

  /** Claimed by an instance until then; null when nobody holds it. */
  @TimestampColumn({ nullable: true })
  leaseUntil: Date | null;

  @Column({ type: jsonColumnType })
  attempts: DeliveryAttempt[];

  @TimestampColumn()
  createdAt: Date;

  /** When it was delivered or given up. */
  @TimestampColumn({ nullable: true })
  finishedAt: Date | null;
}
