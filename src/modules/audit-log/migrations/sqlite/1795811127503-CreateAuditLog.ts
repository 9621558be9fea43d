import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateAuditLog1795811127503 implements MigrationInterface {
    name = 'CreateAuditLog1795811127503'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
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
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_log_entries_action_index" ON "audit_log_entries" ("action")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_log_entries_actor_index" ON "audit_log_entries" ("actor_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_log_entries_target_index" ON "audit_log_entries" ("target_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_log_entries_organisation_created_index" ON "audit_log_entries" ("organisation_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "audit_log_entries_organisation_created_index"
        `);
        await queryRunner.query(`
            DROP INDEX "audit_log_entries_target_index"
        `);
        await queryRunner.query(`
            DROP INDEX "audit_log_entries_actor_index"
        `);
        await queryRunner.query(`
            DROP INDEX "audit_log_entries_action_index"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_log_entries"
        `);
    }

}
