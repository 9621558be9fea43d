import { Column, Entity, Index, JoinTable, ManyToMany, Relation } from 'typeorm';
import { BaseEntity } from '../../../database/base.entity';
import { TokenExpiry } from '../../../common/tokens/token-expiry';
import {
  BelongsTo,
  HexDigestColumn,
  jsonColumnType,
  TimestampColumn,
  UuidColumn,
} from '../../../database/column-types';
import type { Permission } from '../../auth';
import { Project } from '../../projects/entities/project.entity';
import { User } from '../../users/entities/user.entity';

@Entity('personal_access_tokens')
export class PersonalAccessToken extends BaseEntity {
  @BelongsTo(() => User)
  user?: Relation<User>;

  @Index('personal_access_tokens_user_id_index')
  @UuidColumn()
  userId: string;

  @Column({ type: 'varchar', length: 100 })
  note: string;

  @Column({ type: jsonColumnType })
  permissions: Permission[];

  @Column({ type: 'boolean', default: false })
  allProjects: boolean;

  @ManyToMany(() => Project, { onDelete: 'CASCADE' })
  @JoinTable({
    name: 'personal_access_token_projects',
    joinColumn: { name: 'token_id' },
    inverseJoinColumn: { name: 'project_id' },
  })
  projects?: Relation<Project>[];

  /** HMAC-SHA256 of the secret under the server's pepper, hex. The secret itself is never kept. */
  @Index('personal_access_tokens_secret_hash_unique', { unique: true })
  @HexDigestColumn()
  secretHash: string;

  /** The secret's last four characters: enough to tell tokens apart in a list, useless to an attacker. */
  @Column({ type: 'varchar', length: 4 })
  secretHint: string;

  /** Indexed: the expiry warnings and `?expiringWithinDays=` read a range of it. */
  @Index('personal_access_tokens_expires_at_index')
  @TimestampColumn({ nullable: true })
  expiresAt: Date | null;

  /** The preset the token was given (or last regenerated with): what a rotation reuses by default. */
  @Column({ type: 'varchar', length: 16, default: 'month' })
  expiryPreset: TokenExpiry;

  /** Client addresses and CIDRs the token may be used from, normalised; empty: anywhere. */
  @Column({ type: jsonColumnType, default: () => "'[]'" })
  allowedIps: string[];

  @TimestampColumn({ nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'varchar', length: 45, nullable: true })
  lastUsedIp: string | null;
}
