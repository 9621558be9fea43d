import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateWebhooks1796038092768 implements MigrationInterface {
    name = 'CreateWebhooks1796038092768'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "webhook_endpoints" (
                "id" varchar PRIMARY KEY NOT NULL,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "organisation_id" varchar NOT NULL,
                "url" varchar(2000) NOT NULL,
                "description" varchar(200),
                "events" text NOT NULL,
                "sealed_secret" varchar(200) NOT NULL,
                "enabled" boolean NOT NULL DEFAULT (1),
                "disabled_reason" varchar(300)
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_endpoints_organisation_index" ON "webhook_endpoints" ("organisation_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_messages" (
                "id" varchar PRIMARY KEY NOT NULL,
                "organisation_id" varchar NOT NULL,
                "type" varchar(64) NOT NULL,
                "body" text NOT NULL,
                "created_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "sequence" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "id" varchar NOT NULL,
                "endpoint_id" varchar NOT NULL,
                "message_id" varchar NOT NULL,
                "state" varchar(16) NOT NULL,
                "next_attempt_at" datetime NOT NULL,
                "lease_until" datetime,
                "attempts" text NOT NULL,
                "created_at" datetime NOT NULL,
                "finished_at" datetime
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "webhook_deliveries_id_unique" ON "webhook_deliveries" ("id")
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_message_index" ON "webhook_deliveries" ("message_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_state_due_index" ON "webhook_deliveries" ("state", "next_attempt_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_endpoint_state_index" ON "webhook_deliveries" ("endpoint_id", "state", "sequence")
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_id_unique"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_message_index"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_state_due_index"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_endpoint_state_index"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_webhook_deliveries" (
                "sequence" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "id" varchar NOT NULL,
                "endpoint_id" varchar NOT NULL,
                "message_id" varchar NOT NULL,
                "state" varchar(16) NOT NULL,
                "next_attempt_at" datetime NOT NULL,
                "lease_until" datetime,
                "attempts" text NOT NULL,
                "created_at" datetime NOT NULL,
                "finished_at" datetime,
                CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_35330ff895962f7bd8a46c18177" FOREIGN KEY ("message_id") REFERENCES "webhook_messages" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_webhook_deliveries"(
                    "sequence",
                    "id",
                    "endpoint_id",
                    "message_id",
                    "state",
                    "next_attempt_at",
                    "lease_until",
                    "attempts",
                    "created_at",
                    "finished_at"
                )
            SELECT "sequence",
                "id",
                "endpoint_id",
                "message_id",
                "state",
                "next_attempt_at",
                "lease_until",
                "attempts",
                "created_at",
                "finished_at"
            FROM "webhook_deliveries"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_webhook_deliveries"
                RENAME TO "webhook_deliveries"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "webhook_deliveries_id_unique" ON "webhook_deliveries" ("id")
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_message_index" ON "webhook_deliveries" ("message_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_state_due_index" ON "webhook_deliveries" ("state", "next_attempt_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_endpoint_state_index" ON "webhook_deliveries" ("endpoint_id", "state", "sequence")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_endpoint_state_index"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_state_due_index"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_message_index"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_id_unique"
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
                RENAME TO "temporary_webhook_deliveries"
        `);
        await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "sequence" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
                "id" varchar NOT NULL,
                "endpoint_id" varchar NOT NULL,
                "message_id" varchar NOT NULL,
                "state" varchar(16) NOT NULL,
                "next_attempt_at" datetime NOT NULL,
                "lease_until" datetime,
                "attempts" text NOT NULL,
                "created_at" datetime NOT NULL,
                "finished_at" datetime
            )
        `);
        await queryRunner.query(`
            INSERT INTO "webhook_deliveries"(
                    "sequence",
                    "id",
                    "endpoint_id",
                    "message_id",
                    "state",
                    "next_attempt_at",
                    "lease_until",
                    "attempts",
                    "created_at",
                    "finished_at"
                )
            SELECT "sequence",
                "id",
                "endpoint_id",
                "message_id",
                "state",
                "next_attempt_at",
                "lease_until",
                "attempts",
                "created_at",
                "finished_at"
            FROM "temporary_webhook_deliveries"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_webhook_deliveries"
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_endpoint_state_index" ON "webhook_deliveries" ("endpoint_id", "state", "sequence")
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_state_due_index" ON "webhook_deliveries" ("state", "next_attempt_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "webhook_deliveries_message_index" ON "webhook_deliveries" ("message_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "webhook_deliveries_id_unique" ON "webhook_deliveries" ("id")
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_endpoint_state_index"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_state_due_index"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_message_index"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_deliveries_id_unique"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_messages"
        `);
        await queryRunner.query(`
            DROP INDEX "webhook_endpoints_organisation_index"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_endpoints"
        `);
    }

}
