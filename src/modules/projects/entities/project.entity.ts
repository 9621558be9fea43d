import { Column, Entity, Index, Relation } from 'typeorm';
import { BaseEntity } from '../../../database/base.entity';
import { BelongsTo, UuidColumn } from '../../../database/column-types';
import { Organisation } from '../../organisations/entities/organisation.entity';

/** `v1`: standard projects (the `documents` permissions); `v2`: Git-like (the `branches` ones). */
export const PROJECT_VERSIONS = ['v1', 'v2'] as const;
export type ProjectVersion = (typeof PROJECT_VERSIONS)[number];

export const PROJECT_KEY_PATTERN = /^[a-z0-9]{2,}(-[a-z0-9]+)*$/;

@Entity('projects')
@Index('projects_organisation_key_unique', ['organisationId', 'key'], { unique: true })
export class Project extends BaseEntity {
  @BelongsTo(() => Organisation)
  organisation?: Relation<Organisation>;

  @UuidColumn()
  organisationId: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'varchar', length: 8, default: 'v1' })
  version: ProjectVersion;

  @Column({ type: 'boolean', default: false })
  protected: boolean;
}
