import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreateInvitations1796039266043 implements MigrationInterface {
  up = statements(
    `
            CREATE TABLE "invitations" (
                "id" varchar PRIMARY KEY NOT NULL,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "user_id" varchar NOT NULL,
                "organisation_id" varchar NOT NULL,
                "code_hash" varchar(64) NOT NULL,
                "type" varchar(16) NOT NULL,
                "expires_at" datetime NOT NULL,
                "accepted_at" datetime,
                CONSTRAINT "FK_fecdffec754fa4d5cea98709776" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `,
    `
            CREATE INDEX "invitations_user_id_index" ON "invitations" ("user_id")
        `,
    `
            CREATE UNIQUE INDEX "invitations_code_hash_unique" ON "invitations" ("code_hash")
        `,
  );

  // Its indexes go with it.
  down = statements(`DROP TABLE "invitations"`);
}
