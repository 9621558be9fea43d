import { Column, Entity, Index, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { BaseEntity } from '../../../database/base.entity';
import { Organisation } from '../../organisations/entities/organisation.entity';

export const USER_TYPES = ['owner', 'admin', 'author', 'member', 'invited'] as const;
export type UserType = (typeof USER_TYPES)[number];

/** A service user is a machine account: `admin` or `member`. */
export const SERVICE_USER_TYPES = ['admin', 'member'] as const satisfies readonly UserType[];
export type ServiceUserType = (typeof SERVICE_USER_TYPES)[number];

export const USER_STATUSES = ['active', 'disabled', 'locked'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

@Entity('users')
@Index('users_organisation_email_unique', ['organisationId', 'email'], { unique: true })
export class User extends BaseEntity {
  @ManyToOne(() => Organisation, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  organisation?: Relation<Organisation>;

  @Column({ type: 'uuid' })
  organisationId: string;

  /** Stored lower-cased: addresses compare case-insensitively. */
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
