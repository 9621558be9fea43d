import { MigrationInterface, QueryRunner } from "typeorm";

export class InitialSchema1795810739953 implements MigrationInterface {
    name = 'InitialSchema1795810739953'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "organisations" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "name" varchar(100) NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "projects" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "organisation_id" varchar NOT NULL, "name" varchar(100) NOT NULL, "key" varchar(64) NOT NULL, "version" varchar(8) NOT NULL DEFAULT ('v1'), "protected" boolean NOT NULL DEFAULT (0))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "projects_organisation_key_unique" ON "projects" ("organisation_id", "key") `);
        await queryRunner.query(`CREATE TABLE "users" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "organisation_id" varchar NOT NULL, "email" varchar(254) NOT NULL, "type" varchar(16) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('active'), "is_service" boolean NOT NULL DEFAULT (0), "first_name" varchar(100), "last_name" varchar(100))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "users_organisation_email_unique" ON "users" ("organisation_id", "email") `);
        await queryRunner.query(`CREATE TABLE "personal_access_tokens" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "user_id" varchar NOT NULL, "note" varchar(100) NOT NULL, "permissions" text NOT NULL, "all_projects" boolean NOT NULL DEFAULT (0), "secret_hash" varchar(64) NOT NULL, "secret_hint" varchar(4) NOT NULL, "expires_at" datetime, "last_used_at" datetime, "last_used_ip" varchar(45))`);
        await queryRunner.query(`CREATE INDEX "personal_access_tokens_user_id_index" ON "personal_access_tokens" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "personal_access_tokens_secret_hash_unique" ON "personal_access_tokens" ("secret_hash") `);
        await queryRunner.query(`CREATE TABLE "replaced_token_secrets" ("secret_hash" varchar(64) PRIMARY KEY NOT NULL, "token_id" varchar NOT NULL, "replaced_at" datetime NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "personal_access_token_projects" ("token_id" varchar NOT NULL, "project_id" varchar NOT NULL, PRIMARY KEY ("token_id", "project_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_3df75d46caeef7eeaf58db8ed8" ON "personal_access_token_projects" ("token_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_c4eb4aae685e53f748c14cb416" ON "personal_access_token_projects" ("project_id") `);
        await queryRunner.query(`DROP INDEX "projects_organisation_key_unique"`);
        await queryRunner.query(`CREATE TABLE "temporary_projects" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "organisation_id" varchar NOT NULL, "name" varchar(100) NOT NULL, "key" varchar(64) NOT NULL, "version" varchar(8) NOT NULL DEFAULT ('v1'), "protected" boolean NOT NULL DEFAULT (0), CONSTRAINT "FK_4b989f84bfb9c853ee4db3cd232" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_projects"("id", "created_at", "updated_at", "organisation_id", "name", "key", "version", "protected") SELECT "id", "created_at", "updated_at", "organisation_id", "name", "key", "version", "protected" FROM "projects"`);
        await queryRunner.query(`DROP TABLE "projects"`);
        await queryRunner.query(`ALTER TABLE "temporary_projects" RENAME TO "projects"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "projects_organisation_key_unique" ON "projects" ("organisation_id", "key") `);
        await queryRunner.query(`DROP INDEX "users_organisation_email_unique"`);
        await queryRunner.query(`CREATE TABLE "temporary_users" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "organisation_id" varchar NOT NULL, "email" varchar(254) NOT NULL, "type" varchar(16) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('active'), "is_service" boolean NOT NULL DEFAULT (0), "first_name" varchar(100), "last_name" varchar(100), CONSTRAINT "FK_2fc4294f8ec97da71d587dc5577" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_users"("id", "created_at", "updated_at", "organisation_id", "email", "type", "status", "is_service", "first_name", "last_name") SELECT "id", "created_at", "updated_at", "organisation_id", "email", "type", "status", "is_service", "first_name", "last_name" FROM "users"`);
        await queryRunner.query(`DROP TABLE "users"`);
        await queryRunner.query(`ALTER TABLE "temporary_users" RENAME TO "users"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "users_organisation_email_unique" ON "users" ("organisation_id", "email") `);
        await queryRunner.query(`DROP INDEX "personal_access_tokens_user_id_index"`);
        await queryRunner.query(`DROP INDEX "personal_access_tokens_secret_hash_unique"`);
        await queryRunner.query(`CREATE TABLE "temporary_personal_access_tokens" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "user_id" varchar NOT NULL, "note" varchar(100) NOT NULL, "permissions" text NOT NULL, "all_projects" boolean NOT NULL DEFAULT (0), "secret_hash" varchar(64) NOT NULL, "secret_hint" varchar(4) NOT NULL, "expires_at" datetime, "last_used_at" datetime, "last_used_ip" varchar(45), CONSTRAINT "FK_705e457b9b167e4779e737ca3ef" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_personal_access_tokens"("id", "created_at", "updated_at", "user_id", "note", "permissions", "all_projects", "secret_hash", "secret_hint", "expires_at", "last_used_at", "last_used_ip") SELECT "id", "created_at", "updated_at", "user_id", "note", "permissions", "all_projects", "secret_hash", "secret_hint", "expires_at", "last_used_at", "last_used_ip" FROM "personal_access_tokens"`);
        await queryRunner.query(`DROP TABLE "personal_access_tokens"`);
        await queryRunner.query(`ALTER TABLE "temporary_personal_access_tokens" RENAME TO "personal_access_tokens"`);
        await queryRunner.query(`CREATE INDEX "personal_access_tokens_user_id_index" ON "personal_access_tokens" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "personal_access_tokens_secret_hash_unique" ON "personal_access_tokens" ("secret_hash") `);
        await queryRunner.query(`CREATE TABLE "temporary_replaced_token_secrets" ("secret_hash" varchar(64) PRIMARY KEY NOT NULL, "token_id" varchar NOT NULL, "replaced_at" datetime NOT NULL, CONSTRAINT "FK_f71c003e08a9693dc30fbe59aad" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_replaced_token_secrets"("secret_hash", "token_id", "replaced_at") SELECT "secret_hash", "token_id", "replaced_at" FROM "replaced_token_secrets"`);
        await queryRunner.query(`DROP TABLE "replaced_token_secrets"`);
        await queryRunner.query(`ALTER TABLE "temporary_replaced_token_secrets" RENAME TO "replaced_token_secrets"`);
        await queryRunner.query(`DROP INDEX "IDX_3df75d46caeef7eeaf58db8ed8"`);
        await queryRunner.query(`DROP INDEX "IDX_c4eb4aae685e53f748c14cb416"`);
        await queryRunner.query(`CREATE TABLE "temporary_personal_access_token_projects" ("token_id" varchar NOT NULL, "project_id" varchar NOT NULL, CONSTRAINT "FK_3df75d46caeef7eeaf58db8ed83" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens" ("id") ON DELETE CASCADE ON UPDATE CASCADE, CONSTRAINT "FK_c4eb4aae685e53f748c14cb4160" FOREIGN KEY ("project_id") REFERENCES "projects" ("id") ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY KEY ("token_id", "project_id"))`);
        await queryRunner.query(`INSERT INTO "temporary_personal_access_token_projects"("token_id", "project_id") SELECT "token_id", "project_id" FROM "personal_access_token_projects"`);
        await queryRunner.query(`DROP TABLE "personal_access_token_projects"`);
        await queryRunner.query(`ALTER TABLE "temporary_personal_access_token_projects" RENAME TO "personal_access_token_projects"`);
        await queryRunner.query(`CREATE INDEX "IDX_3df75d46caeef7eeaf58db8ed8" ON "personal_access_token_projects" ("token_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_c4eb4aae685e53f748c14cb416" ON "personal_access_token_projects" ("project_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_c4eb4aae685e53f748c14cb416"`);
        await queryRunner.query(`DROP INDEX "IDX_3df75d46caeef7eeaf58db8ed8"`);
        await queryRunner.query(`ALTER TABLE "personal_access_token_projects" RENAME TO "temporary_personal_access_token_projects"`);
        await queryRunner.query(`CREATE TABLE "personal_access_token_projects" ("token_id" varchar NOT NULL, "project_id" varchar NOT NULL, PRIMARY KEY ("token_id", "project_id"))`);
        await queryRunner.query(`INSERT INTO "personal_access_token_projects"("token_id", "project_id") SELECT "token_id", "project_id" FROM "temporary_personal_access_token_projects"`);
        await queryRunner.query(`DROP TABLE "temporary_personal_access_token_projects"`);
        await queryRunner.query(`CREATE INDEX "IDX_c4eb4aae685e53f748c14cb416" ON "personal_access_token_projects" ("project_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_3df75d46caeef7eeaf58db8ed8" ON "personal_access_token_projects" ("token_id") `);
        await queryRunner.query(`ALTER TABLE "replaced_token_secrets" RENAME TO "temporary_replaced_token_secrets"`);
        await queryRunner.query(`CREATE TABLE "replaced_token_secrets" ("secret_hash" varchar(64) PRIMARY KEY NOT NULL, "token_id" varchar NOT NULL, "replaced_at" datetime NOT NULL)`);
        await queryRunner.query(`INSERT INTO "replaced_token_secrets"("secret_hash", "token_id", "replaced_at") SELECT "secret_hash", "token_id", "replaced_at" FROM "temporary_replaced_token_secrets"`);
        await queryRunner.query(`DROP TABLE "temporary_replaced_token_secrets"`);
        await queryRunner.query(`DROP INDEX "personal_access_tokens_secret_hash_unique"`);
        await queryRunner.query(`DROP INDEX "personal_access_tokens_user_id_index"`);
        await queryRunner.query(`ALTER TABLE "personal_access_tokens" RENAME TO "temporary_personal_access_tokens"`);
        await queryRunner.query(`CREATE TABLE "personal_access_tokens" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "user_id" varchar NOT NULL, "note" varchar(100) NOT NULL, "permissions" text NOT NULL, "all_projects" boolean NOT NULL DEFAULT (0), "secret_hash" varchar(64) NOT NULL, "secret_hint" varchar(4) NOT NULL, "expires_at" datetime, "last_used_at" datetime, "last_used_ip" varchar(45))`);
        await queryRunner.query(`INSERT INTO "personal_access_tokens"("id", "created_at", "updated_at", "user_id", "note", "permissions", "all_projects", "secret_hash", "secret_hint", "expires_at", "last_used_at", "last_used_ip") SELECT "id", "created_at", "updated_at", "user_id", "note", "permissions", "all_projects", "secret_hash", "secret_hint", "expires_at", "last_used_at", "last_used_ip" FROM "temporary_personal_access_tokens"`);
        await queryRunner.query(`DROP TABLE "temporary_personal_access_tokens"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "personal_access_tokens_secret_hash_unique" ON "personal_access_tokens" ("secret_hash") `);
        await queryRunner.query(`CREATE INDEX "personal_access_tokens_user_id_index" ON "personal_access_tokens" ("user_id") `);
        await queryRunner.query(`DROP INDEX "users_organisation_email_unique"`);
        await queryRunner.query(`ALTER TABLE "users" RENAME TO "temporary_users"`);
        await queryRunner.query(`CREATE TABLE "users" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "organisation_id" varchar NOT NULL, "email" varchar(254) NOT NULL, "type" varchar(16) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('active'), "is_service" boolean NOT NULL DEFAULT (0), "first_name" varchar(100), "last_name" varchar(100))`);
        await queryRunner.query(`INSERT INTO "users"("id", "created_at", "updated_at", "organisation_id", "email", "type", "status", "is_service", "first_name", "last_name") SELECT "id", "created_at", "updated_at", "organisation_id", "email", "type", "status", "is_service", "first_name", "last_name" FROM "temporary_users"`);
        await queryRunner.query(`DROP TABLE "temporary_users"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "users_organisation_email_unique" ON "users" ("organisation_id", "email") `);
        await queryRunner.query(`DROP INDEX "projects_organisation_key_unique"`);
        await queryRunner.query(`ALTER TABLE "projects" RENAME TO "temporary_projects"`);
        await queryRunner.query(`CREATE TABLE "projects" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "organisation_id" varchar NOT NULL, "name" varchar(100) NOT NULL, "key" varchar(64) NOT NULL, "version" varchar(8) NOT NULL DEFAULT ('v1'), "protected" boolean NOT NULL DEFAULT (0))`);
        await queryRunner.query(`INSERT INTO "projects"("id", "created_at", "updated_at", "organisation_id", "name", "key", "version", "protected") SELECT "id", "created_at", "updated_at", "organisation_id", "name", "key", "version", "protected" FROM "temporary_projects"`);
        await queryRunner.query(`DROP TABLE "temporary_projects"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "projects_organisation_key_unique" ON "projects" ("organisation_id", "key") `);
        await queryRunner.query(`DROP INDEX "IDX_c4eb4aae685e53f748c14cb416"`);
        await queryRunner.query(`DROP INDEX "IDX_3df75d46caeef7eeaf58db8ed8"`);
        await queryRunner.query(`DROP TABLE "personal_access_token_projects"`);
        await queryRunner.query(`DROP TABLE "replaced_token_secrets"`);
        await queryRunner.query(`DROP INDEX "personal_access_tokens_secret_hash_unique"`);
        await queryRunner.query(`DROP INDEX "personal_access_tokens_user_id_index"`);
        await queryRunner.query(`DROP TABLE "personal_access_tokens"`);
        await queryRunner.query(`DROP INDEX "users_organisation_email_unique"`);
        await queryRunner.query(`DROP TABLE "users"`);
        await queryRunner.query(`DROP INDEX "projects_organisation_key_unique"`);
        await queryRunner.query(`DROP TABLE "projects"`);
        await queryRunner.query(`DROP TABLE "organisations"`);
    }

}
