import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, Relation } from 'typeorm';
import { HexDigestColumn, TimestampColumn } from '../../../database/column-types';
import { PersonalAccessToken } from '../entities/personal-access-token.entity';

/**
 * The answer of a token's latest rotate or regenerate made with an Idempotency-Key, so that a
 * retry whose first answer was lost gets the same new secret again. One row per token at most
 * (the table is bounded by the tokens), gone with its token, useless after `expiresAt`. The answer
 * holds a secret: it is kept only encrypted (AES-256-GCM under a key derived from the pepper).
 */
@Entity('idempotent_answers')
export class IdempotentAnswer {
  @PrimaryColumn({ type: 'uuid' })
  tokenId: string;

  @OneToOne(() => PersonalAccessToken, { onDelete: 'CASCADE' })
  @JoinColumn()
  token?: Relation<PersonalAccessToken>;

  /** HMAC of the secret the request was made with: a retry presents the same, now replaced. */
  @Index('idempotent_answers_presented_secret_hash_index')
  @HexDigestColumn()
  presentedSecretHash: string;

  /** SHA-256 of the Idempotency-Key. */
  @HexDigestColumn()
  keyHash: string;

  /** SHA-256 of the request (method, path, body): the same key for another request is refused. */
  @HexDigestColumn()
  requestHash: string;

  /** base64url of IV (12 bytes), tag (16 bytes) and the encrypted JSON answer. */
  @Column({ type: 'text' })
  sealedAnswer: string;

  @TimestampColumn()
  expiresAt: Date;
}
