import { BeforeInsert, Entity, PrimaryColumn, Relation } from 'typeorm';
import { BelongsTo, TimestampColumn, UuidColumn } from '../../../database/column-types';
import { PersonalAccessToken } from './personal-access-token.entity';

/**
 * The hash of a secret that a regenerate replaced, kept so that a later use of it can be recognised
 * and reported as a security event. It never authenticates.
 */
@Entity('replaced_token_secrets')
export class ReplacedSecret {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  secretHash: string;

  @BelongsTo(() => PersonalAccessToken)
  token?: Relation<PersonalAccessToken>;

  @UuidColumn()
  tokenId: string;

  @TimestampColumn()
  replacedAt: Date;

  @BeforeInsert()
  protected beforeInsert(): void {
    this.replacedAt ??= new Date();
  }
}
