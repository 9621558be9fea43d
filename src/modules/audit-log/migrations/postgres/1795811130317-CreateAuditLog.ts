import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreateAuditLog1795811130317 implements MigrationInterface {
  up = statements(
    `
            CREATE TABLE "audit_log_entries" (
                "id" uuid NOT NULL,
                "organisation_id" uuid NOT NULL,
                "action" character varying(64) NOT NULL,
                "actor_id" uuid,
                "token_id" uuid,
                "target_type" character varying(32) NOT NULL,
                "target_id" uuid NOT NULL,
                "ip" character varying(45),
                "details" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_4f2fbddaca7c6531577e79177a4" PRIMARY KEY ("id")
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
