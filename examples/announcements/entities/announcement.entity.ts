import { Column, Entity, Index } from 'typeorm';
import { BaseEntity } from '../../../src/database/base.entity';
import { UuidColumn } from '../../../src/database/column-types';

/** A piece of news an admin published to everyone in the organisation. */
@Entity('announcements')
@Index('announcements_organisation_created_index', ['organisationId', 'createdAt'])
export class Announcement extends BaseEntity {
  @UuidColumn()
  organisationId: string;

  @Column({ type: 'varchar', length: 100 })
  title: string;

  @Column({ type: 'varchar', length: 2000 })
  body: string;

  /** Not a foreign key: an announcement outlives the account of whoever published it. */
  @UuidColumn()
  authorId: string;
}
