import { Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn, timestampColumnType } from '../../../database/column-types';

/**
 * A notice sent: one row per token, expiry instant and threshold (0 for `token.expired`). Its
 * primary key is what makes each notice go out once, whichever instance's scan gets there first.
 * A regenerate gives the token a new expiry, and so a new set of notices.
 */
@Entity('token_expiry_notices')
@Index('token_expiry_notices_expires_at_index', ['expiresAt'])
export class TokenExpiryNotice {
  @PrimaryColumn({ type: 'uuid' })
  tokenId: string;

  @PrimaryColumn({ type: timestampColumnType })
  expiresAt: Date;

  @PrimaryColumn({ type: 'integer' })
  thresholdDays: number;

  @TimestampColumn()
  sentAt: Date;
}
