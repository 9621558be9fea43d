import { Column, Entity, Index } from 'typeorm';
import { InsertOnlyEntity } from '../../../database/base.entity';
import { jsonColumnType, UuidColumn } from '../../../database/column-types';

/** One thing that happened: who did what to which target, from where and when. Never a secret. */
@Entity('audit_log_entries')
@Index('audit_log_entries_organisation_created_index', ['organisationId', 'createdAt'])
export class AuditEntry extends InsertOnlyEntity {
  /** Not a foreign key: the trail outlives what it describes. */
  @UuidColumn()
  organisationId: string;

  @Index('audit_log_entries_action_index')
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Index('audit_log_entries_actor_index')
  @UuidColumn({ nullable: true })
  actorId: string | null;

  @UuidColumn({ nullable: true })
  tokenId: string | null;

  @Column({ type: 'varchar', length: 32 })
  targetType: string;

  @Index('audit_log_entries_target_index')
  @UuidColumn()
  targetId: string;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip: string | null;

  @Column({ type: jsonColumnType })
  details: Record<string, unknown>;
}
