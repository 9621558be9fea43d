import { Entity, PrimaryColumn } from 'typeorm';
import { HexDigestColumn, TimestampColumn } from '../../../database/column-types';

/**
 * What the pepper was on the first start: an HMAC of a fixed label under it, never the pepper.
 * One row, named `token-pepper`.
 */
@Entity('pepper_verifiers')
export class PepperVerifier {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  name: string;

  @HexDigestColumn()
  verifier: string;

  @TimestampColumn()
  createdAt: Date;
}
