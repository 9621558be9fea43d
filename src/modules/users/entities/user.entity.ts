import { Column, Entity, Index, Relation } from 'typeorm';
import { BaseEntity } from '../../../database/base.entity';
import { BelongsTo, UuidColumn } from '../../../database/column-types';
import { Organisation } from '../../organisations/entities/organisation.entity';
import { UserStatus, UserType } from '../../../common/users/user-types';

@Entity('users')
@Index('users_organisation_email_unique', ['organisationId', 'email'], { unique: true })
export class User extends BaseEntity {
  @BelongsTo(() => Organisation)
  organisation?: Relation<Organisation>;

  @UuidColumn()
  organisationId: string;

  /** Stored in its canonical form (canonicalEmail): NFC and case-folded. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 16 })
  type: UserType;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status: UserStatus;

  @Column({ type: 'boolean', default: false })
  isService: boolean;

  @Column({ type: 'varchar', length: 100, nullable: true })
  firstName: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lastName: string | null;
}
