import { BeforeInsert, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { jsonColumnType, timestampColumnType } from '../../../database/column-types';

/** One thing that happened: who did what to which target, from where and when. Never a secret. */
@Entity('audit_log_entries')
@Index('audit_log_entries_organisation_created_index', ['organisationId', 'createdAt'])
export class AuditEntry {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** Not a foreign key: the trail outlives what it describes. */
  @Column({ type: 'uuid' })
  organisationId: string;

  @Index('audit_log_entries_action_index')
  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Index('audit_log_entries_actor_index')
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'uuid', nullable: true })
  tokenId: string | null;

  @Column({ type: 'varchar', length: 32 })
  targetType: string;

  @Index('audit_log_entries_target_index')
  @Column({ type: 'uuid' })
  targetId: string;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip: string | null;

  @Column({ type: jsonColumnType })
  details: Record<string, unknown>;

  @Column({ type: timestampColumnType })
  createdAt: Date;

  @BeforeInsert()
  protected beforeInsert(): void {
    this.id ??= randomUUID();
    this.createdAt ??= new Date();
  }
}
