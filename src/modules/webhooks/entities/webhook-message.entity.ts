import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn, UuidColumn } from '../../../database/column-types';

/**
 * One event as it is sent: written by the outbox recorder in the transaction of the change it
 * reports. Its id is the `webhook-id` of every attempt and redelivery, so receivers can dedupe.
 */
@Entity('webhook_messages')
export class WebhookMessage {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @UuidColumn()
  organisationId: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  /** The exact JSON body `{type, timestamp, data}`: every attempt signs and sends these bytes. */
  @Column({ type: 'text' })
  body: string;

  @TimestampColumn()
  createdAt: Date;
}
