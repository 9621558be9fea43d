import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreateInvitations1796039331078 implements MigrationInterface {
  up = statements(
    `
            CREATE TABLE "invitations" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "user_id" uuid NOT NULL,
                "organisation_id" uuid NOT NULL,
                "code_hash" character varying(64) NOT NULL,
                "type" character varying(16) NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "accepted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id")
            )
        `,
    `
            CREATE INDEX "invitations_user_id_index" ON "invitations" ("user_id")
        `,
    `
            CREATE UNIQUE INDEX "invitations_code_hash_unique" ON "invitations" ("code_hash")
        `,
    `
            ALTER TABLE "invitations"
            ADD CONSTRAINT "FK_fecdffec754fa4d5cea98709776" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `,
  );

  // Its indexes and foreign key go with it.
  down = statements(`DROP TABLE "invitations"`);
}
