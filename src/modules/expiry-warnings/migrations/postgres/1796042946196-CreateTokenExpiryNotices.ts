import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreateTokenExpiryNotices1796042946196 implements MigrationInterface {
  up = statements(
    `
            CREATE TABLE "token_expiry_notices" (
                "token_id" uuid NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "threshold_days" integer NOT NULL,
                "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_7c457b35259edd8bdc26a2ba2e5" PRIMARY KEY ("token_id", "expires_at", "threshold_days")
            )
        `,
    `
            CREATE INDEX "token_expiry_notices_expires_at_index" ON "token_expiry_notices" ("expires_at")
        `,
  );

  // Its index goes with it.
  down = statements(`DROP TABLE "token_expiry_notices"`);
}
