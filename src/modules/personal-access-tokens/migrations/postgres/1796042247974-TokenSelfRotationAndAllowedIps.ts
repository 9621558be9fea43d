import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class TokenSelfRotationAndAllowedIps1796042247974 implements MigrationInterface {
  up = statements(
    `
            CREATE TABLE "idempotent_answers" (
                "token_id" uuid NOT NULL,
                "presented_secret_hash" character varying(64) NOT NULL,
                "key_hash" character varying(64) NOT NULL,
                "request_hash" character varying(64) NOT NULL,
                "sealed_answer" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_c5de764aaec2ae8d1d9f1bf0b57" PRIMARY KEY ("token_id")
            )
        `,
    `
            CREATE INDEX "idempotent_answers_presented_secret_hash_index" ON "idempotent_answers" ("presented_secret_hash")
        `,
    `
            ALTER TABLE "personal_access_tokens"
            ADD "expiry_preset" character varying(16) NOT NULL DEFAULT 'month'
        `,
    `
            ALTER TABLE "personal_access_tokens"
            ADD "allowed_ips" jsonb NOT NULL DEFAULT '[]'
        `,
    `
            ALTER TABLE "idempotent_answers"
            ADD CONSTRAINT "FK_c5de764aaec2ae8d1d9f1bf0b57" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `,
    // Existing tokens get the preset their lifetime matches (a rotation reuses it).
    `
            UPDATE "personal_access_tokens" SET "expiry_preset" = CASE
                WHEN expires_at IS NULL THEN 'indefinite'
                WHEN expires_at - updated_at <= interval '8 days' THEN 'week'
                WHEN expires_at - updated_at <= interval '31 days' THEN 'month'
                WHEN expires_at - updated_at <= interval '91 days' THEN 'three_months'
                ELSE 'year'
            END
        `,
  );

  // The answers go with their index and foreign key.
  down = statements(
    `DROP TABLE "idempotent_answers"`,
    `ALTER TABLE "personal_access_tokens" DROP COLUMN "allowed_ips"`,
    `ALTER TABLE "personal_access_tokens" DROP COLUMN "expiry_preset"`,
  );
}
