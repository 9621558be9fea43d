import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreateTokenExpiryNotices1796042675001 implements MigrationInterface {
  up = statements(
    `
            CREATE TABLE "token_expiry_notices" (
                "token_id" varchar NOT NULL,
                "expires_at" datetime NOT NULL,
                "threshold_days" integer NOT NULL,
                "sent_at" datetime NOT NULL,
                PRIMARY KEY ("token_id", "expires_at", "threshold_days")
            )
        `,
    `
            CREATE INDEX "token_expiry_notices_expires_at_index" ON "token_expiry_notices" ("expires_at")
        `,
  );

  // Its index goes with it.
  down = statements(`DROP TABLE "token_expiry_notices"`);
}
