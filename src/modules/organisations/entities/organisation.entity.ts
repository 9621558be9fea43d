import { Column, Entity } from 'typeorm';
import { BaseEntity } from '../../../database/base.entity';

/** The tenant: users and projects belong to exactly one organisation. */
@Entity('organisations')
export class Organisation extends BaseEntity {
  @Column({ type: 'varchar', length: 100 })
  name: string;
}
