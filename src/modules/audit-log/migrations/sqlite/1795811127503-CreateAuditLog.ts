import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreateAuditLog1795811127503 implements MigrationInterface {
  up = statements(
    `
            CREATE TABLE "audit_log_entries" (
                "id" varchar PRIMARY KEY NOT NULL,
                "organisation_id" varchar NOT NULL,
                "action" varchar(64) NOT NULL,
                "actor_id" varchar,
                "token_id" varchar,
                "target_type" varchar(32) NOT NULL,
                "target_id" varchar NOT NULL,
                "ip" varchar(45),
                "details" text NOT NULL,
                "created_at" datetime NOT NULL
            )
        `,
    `
            CREATE INDEX "audit_log_entries_action_index" ON "audit_log_entries" ("action")
        `,
    `
            CREATE INDEX "audit_log_entries_actor_index" ON "audit_log_entries" ("actor_id")
        `,
    `
            CREATE INDEX "audit_log_entries_target_index" ON "audit_log_entries" ("target_id")
        `,
    `
            CREATE INDEX "audit_log_entries_organisation_created_index" ON "audit_log_entries" ("organisation_id", "created_at")
        `,
  );

  // Its indexes go with it.
  down = statements(`DROP TABLE "audit_log_entries"`);
}
