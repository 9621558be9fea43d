import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from '../../../database/base.entity';
import { jsonColumnType, UuidColumn } from '../../../database/column-types';

/** Where an organisation's events are sent, and which ones. */
@Entity('webhook_endpoints')
export class WebhookEndpoint extends BaseEntity {
  @Index('webhook_endpoints_organisation_index')
  @UuidColumn()
  organisationId: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description: string | null;

  /** Event names, or ["*"] for every event. */
  @Column({ type: jsonColumnType })
  events: string[];

  /** The `whsec_` signing secret, sealed with AES-256-GCM (SecretBox): it must be read to sign. */
  @Column({ type: 'varchar', length: 200 })
  sealedSecret: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Why the service disabled it (a 410 answer); null when enabled or disabled by an admin. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  disabledReason: string | null;
}
