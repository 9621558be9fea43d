import {
  BeforeInsert,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Relation,
} from 'typeorm';
import { timestampColumnType } from '../../../database/column-types';
import { PersonalAccessToken } from './personal-access-token.entity';

/**
 * The hash of a secret that a regenerate replaced, kept so that a later use of it can be recognised
 * and reported as a security event. It never authenticates.
 */
@Entity('replaced_token_secrets')
export class ReplacedSecret {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  secretHash: string;

  @ManyToOne(() => PersonalAccessToken, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn()
  token?: Relation<PersonalAccessToken>;

  @Column({ type: 'uuid' })
  tokenId: string;

  @Column({ type: timestampColumnType })
  replacedAt: Date;

  @BeforeInsert()
  protected beforeInsert(): void {
    this.replacedAt ??= new Date();
  }
}
