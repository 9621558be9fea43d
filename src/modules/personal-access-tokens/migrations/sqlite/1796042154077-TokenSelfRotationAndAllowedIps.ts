import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenSelfRotationAndAllowedIps1796042154077 implements MigrationInterface {
    name = 'TokenSelfRotationAndAllowedIps1796042154077'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotent_answers" (
                "token_id" varchar PRIMARY KEY NOT NULL,
                "presented_secret_hash" varchar(64) NOT NULL,
                "key_hash" varchar(64) NOT NULL,
                "request_hash" varchar(64) NOT NULL,
                "sealed_answer" text NOT NULL,
                "expires_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "idempotent_answers_presented_secret_hash_index" ON "idempotent_answers" ("presented_secret_hash")
        `);
        await queryRunner.query(`
            DROP INDEX "personal_access_tokens_secret_hash_unique"
        `);
        await queryRunner.query(`
            DROP INDEX "personal_access_tokens_user_id_index"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_personal_access_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "user_id" varchar NOT NULL,
                "note" varchar(100) NOT NULL,
                "permissions" text NOT NULL,
                "all_projects" boolean NOT NULL DEFAULT (0),
                "secret_hash" varchar(64) NOT NULL,
                "secret_hint" varchar(4) NOT NULL,
                "expires_at" datetime,
                "last_used_at" datetime,
                "last_used_ip" varchar(45),
                "expiry_preset" varchar(16) NOT NULL DEFAULT ('month'),
                "allowed_ips" text NOT NULL DEFAULT ('[]'),
                CONSTRAINT "FK_705e457b9b167e4779e737ca3ef" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_personal_access_tokens"(
                    "id",
                    "created_at",
                    "updated_at",
                    "user_id",
                    "note",
                    "permissions",
                    "all_projects",
                    "secret_hash",
                    "secret_hint",
                    "expires_at",
                    "last_used_at",
                    "last_used_ip"
                )
            SELECT "id",
                "created_at",
                "updated_at",
                "user_id",
                "note",
                "permissions",
                "all_projects",
                "secret_hash",
                "secret_hint",
                "expires_at",
                "last_used_at",
                "last_used_ip"
            FROM "personal_access_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "personal_access_tokens"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_personal_access_tokens"
                RENAME TO "personal_access_tokens"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "personal_access_tokens_secret_hash_unique" ON "personal_access_tokens" ("secret_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "personal_access_tokens_user_id_index" ON "personal_access_tokens" ("user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "idempotent_answers_presented_secret_hash_index"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_idempotent_answers" (
                "token_id" varchar PRIMARY KEY NOT NULL,
                "presented_secret_hash" varchar(64) NOT NULL,
                "key_hash" varchar(64) NOT NULL,
                "request_hash" varchar(64) NOT NULL,
                "sealed_answer" text NOT NULL,
                "expires_at" datetime NOT NULL,
                CONSTRAINT "FK_c5de764aaec2ae8d1d9f1bf0b57" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_idempotent_answers"(
                    "token_id",
                    "presented_secret_hash",
                    "key_hash",
                    "request_hash",
                    "sealed_answer",
                    "expires_at"
                )
            SELECT "token_id",
                "presented_secret_hash",
                "key_hash",
                "request_hash",
                "sealed_answer",
                "expires_at"
            FROM "idempotent_answers"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotent_answers"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_idempotent_answers"
                RENAME TO "idempotent_answers"
        `);
        await queryRunner.query(`
            CREATE INDEX "idempotent_answers_presented_secret_hash_index" ON "idempotent_answers" ("presented_secret_hash")
        `);
        // Existing tokens get the preset their lifetime matches (a rotation reuses it).
        await queryRunner.query(`
            UPDATE "personal_access_tokens" SET "expiry_preset" = CASE
                WHEN expires_at IS NULL THEN 'indefinite'
                WHEN julianday(expires_at) - julianday(updated_at) <= 8 THEN 'week'
                WHEN julianday(expires_at) - julianday(updated_at) <= 31 THEN 'month'
                WHEN julianday(expires_at) - julianday(updated_at) <= 91 THEN 'three_months'
                ELSE 'year'
            END
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "idempotent_answers_presented_secret_hash_index"
        `);
        await queryRunner.query(`
            ALTER TABLE "idempotent_answers"
                RENAME TO "temporary_idempotent_answers"
        `);
        await queryRunner.query(`
            CREATE TABLE "idempotent_answers" (
                "token_id" varchar PRIMARY KEY NOT NULL,
                "presented_secret_hash" varchar(64) NOT NULL,
                "key_hash" varchar(64) NOT NULL,
                "request_hash" varchar(64) NOT NULL,
                "sealed_answer" text NOT NULL,
                "expires_at" datetime NOT NULL
            )
        `);
        await queryRunner.query(`
            INSERT INTO "idempotent_answers"(
                    "token_id",
                    "presented_secret_hash",
                    "key_hash",
                    "request_hash",
                    "sealed_answer",
                    "expires_at"
                )
            SELECT "token_id",
                "presented_secret_hash",
                "key_hash",
                "request_hash",
                "sealed_answer",
                "expires_at"
            FROM "temporary_idempotent_answers"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_idempotent_answers"
        `);
        await queryRunner.query(`
            CREATE INDEX "idempotent_answers_presented_secret_hash_index" ON "idempotent_answers" ("presented_secret_hash")
        `);
        await queryRunner.query(`
            DROP INDEX "personal_access_tokens_user_id_index"
        `);
        await queryRunner.query(`
            DROP INDEX "personal_access_tokens_secret_hash_unique"
        `);
        await queryRunner.query(`
            ALTER TABLE "personal_access_tokens"
                RENAME TO "temporary_personal_access_tokens"
        `);
        await queryRunner.query(`
            CREATE TABLE "personal_access_tokens" (
                "id" varchar PRIMARY KEY NOT NULL,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "user_id" varchar NOT NULL,
                "note" varchar(100) NOT NULL,
                "permissions" text NOT NULL,
                "all_projects" boolean NOT NULL DEFAULT (0),
                "secret_hash" varchar(64) NOT NULL,
                "secret_hint" varchar(4) NOT NULL,
                "expires_at" datetime,
                "last_used_at" datetime,
                "last_used_ip" varchar(45),
                CONSTRAINT "FK_705e457b9b167e4779e737ca3ef" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `);
        await queryRunner.query(`
            INSERT INTO "personal_access_tokens"(
                    "id",
                    "created_at",
                    "updated_at",
                    "user_id",
                    "note",
                    "permissions",
                    "all_projects",
                    "secret_hash",
                    "secret_hint",
                    "expires_at",
                    "last_used_at",
                    "last_used_ip"
                )
            SELECT "id",
                "created_at",
                "updated_at",
                "user_id",
                "note",
                "permissions",
                "all_projects",
                "secret_hash",
                "secret_hint",
                "expires_at",
                "last_used_at",
                "last_used_ip"
            FROM "temporary_personal_access_tokens"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_personal_access_tokens"
        `);
        await queryRunner.query(`
            CREATE INDEX "personal_access_tokens_user_id_index" ON "personal_access_tokens" ("user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "personal_access_tokens_secret_hash_unique" ON "personal_access_tokens" ("secret_hash")
        `);
        await queryRunner.query(`
            DROP INDEX "idempotent_answers_presented_secret_hash_index"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotent_answers"
        `);
    }

}
