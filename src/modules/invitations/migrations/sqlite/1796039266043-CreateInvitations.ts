import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateInvitations1796039266043 implements MigrationInterface {
    name = 'CreateInvitations1796039266043'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "invitations" (
                "id" varchar PRIMARY KEY NOT NULL,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "user_id" varchar NOT NULL,
                "organisation_id" varchar NOT NULL,
                "code_hash" varchar(64) NOT NULL,
                "type" varchar(16) NOT NULL,
                "expires_at" datetime NOT NULL,
                "accepted_at" datetime
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "invitations_user_id_index" ON "invitations" ("user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "invitations_code_hash_unique" ON "invitations" ("code_hash")
        `);
        await queryRunner.query(`
            DROP INDEX "invitations_user_id_index"
        `);
        await queryRunner.query(`
            DROP INDEX "invitations_code_hash_unique"
        `);
        await queryRunner.query(`
            CREATE TABLE "temporary_invitations" (
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
        `);
        await queryRunner.query(`
            INSERT INTO "temporary_invitations"(
                    "id",
                    "created_at",
                    "updated_at",
                    "user_id",
                    "organisation_id",
                    "code_hash",
                    "type",
                    "expires_at",
                    "accepted_at"
                )
            SELECT "id",
                "created_at",
                "updated_at",
                "user_id",
                "organisation_id",
                "code_hash",
                "type",
                "expires_at",
                "accepted_at"
            FROM "invitations"
        `);
        await queryRunner.query(`
            DROP TABLE "invitations"
        `);
        await queryRunner.query(`
            ALTER TABLE "temporary_invitations"
                RENAME TO "invitations"
        `);
        await queryRunner.query(`
            CREATE INDEX "invitations_user_id_index" ON "invitations" ("user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "invitations_code_hash_unique" ON "invitations" ("code_hash")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "invitations_code_hash_unique"
        `);
        await queryRunner.query(`
            DROP INDEX "invitations_user_id_index"
        `);
        await queryRunner.query(`
            ALTER TABLE "invitations"
                RENAME TO "temporary_invitations"
        `);
        await queryRunner.query(`
            CREATE TABLE "invitations" (
                "id" varchar PRIMARY KEY NOT NULL,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "user_id" varchar NOT NULL,
                "organisation_id" varchar NOT NULL,
                "code_hash" varchar(64) NOT NULL,
                "type" varchar(16) NOT NULL,
                "expires_at" datetime NOT NULL,
                "accepted_at" datetime
            )
        `);
        await queryRunner.query(`
            INSERT INTO "invitations"(
                    "id",
                    "created_at",
                    "updated_at",
                    "user_id",
                    "organisation_id",
                    "code_hash",
                    "type",
                    "expires_at",
                    "accepted_at"
                )
            SELECT "id",
                "created_at",
                "updated_at",
                "user_id",
                "organisation_id",
                "code_hash",
                "type",
                "expires_at",
                "accepted_at"
            FROM "temporary_invitations"
        `);
        await queryRunner.query(`
            DROP TABLE "temporary_invitations"
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "invitations_code_hash_unique" ON "invitations" ("code_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "invitations_user_id_index" ON "invitations" ("user_id")
        `);
        await queryRunner.query(`
            DROP INDEX "invitations_code_hash_unique"
        `);
        await queryRunner.query(`
            DROP INDEX "invitations_user_id_index"
        `);
        await queryRunner.query(`
            DROP TABLE "invitations"
        `);
    }

}
