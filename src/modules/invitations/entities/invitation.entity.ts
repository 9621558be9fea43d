import { Column, Entity, Index, Relation } from 'typeorm';
import { BaseEntity } from '../../../database/base.entity';
import {
  BelongsTo,
  HexDigestColumn,
  TimestampColumn,
  UuidColumn,
} from '../../../database/column-types';
import { User } from '../../users/entities/user.entity';
import { InvitedUserType } from '../invitation-code';

/**
 * A one-time invitation of a person: the code's hash (never the code), the type the person gets
 * on acceptance, and until when it can be accepted. Removed with its user.
 */
@Entity('invitations')
export class Invitation extends BaseEntity {
  @BelongsTo(() => User)
  user?: Relation<User>;

  @Index('invitations_user_id_index')
  @UuidColumn()
  userId: string;

  @UuidColumn()
  organisationId: string;

  /** SHA-256 of the code, hex: the code carries 256 random bits, so no pepper or slow hash is needed. */
  @Index('invitations_code_hash_unique', { unique: true })
  @HexDigestColumn()
  codeHash: string;

  /** The type asked for, given on acceptance (the user is `invited` until then). */
  @Column({ type: 'varchar', length: 16 })
  type: InvitedUserType;

  @TimestampColumn()
  expiresAt: Date;

  @TimestampColumn({ nullable: true })
  acceptedAt: Date | null;
}
