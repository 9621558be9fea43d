import { MigrationInterface } from 'typeorm';
import { statements } from '../../migration-steps';

export class InitialSchema1795810739953 implements MigrationInterface {
  up = statements(
    `CREATE TABLE "organisations" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "name" varchar(100) NOT NULL)`,
    `CREATE TABLE "projects" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "organisation_id" varchar NOT NULL, "name" varchar(100) NOT NULL, "key" varchar(64) NOT NULL, "version" varchar(8) NOT NULL DEFAULT ('v1'), "protected" boolean NOT NULL DEFAULT (0), CONSTRAINT "FK_4b989f84bfb9c853ee4db3cd232" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    `CREATE UNIQUE INDEX "projects_organisation_key_unique" ON "projects" ("organisation_id", "key") `,
    `CREATE TABLE "users" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "organisation_id" varchar NOT NULL, "email" varchar(254) NOT NULL, "type" varchar(16) NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('active'), "is_service" boolean NOT NULL DEFAULT (0), "first_name" varchar(100), "last_name" varchar(100), CONSTRAINT "FK_2fc4294f8ec97da71d587dc5577" FOREIGN KEY ("organisation_id") REFERENCES "organisations" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    `CREATE UNIQUE INDEX "users_organisation_email_unique" ON "users" ("organisation_id", "email") `,
    `CREATE TABLE "personal_access_tokens" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, "user_id" varchar NOT NULL, "note" varchar(100) NOT NULL, "permissions" text NOT NULL, "all_projects" boolean NOT NULL DEFAULT (0), "secret_hash" varchar(64) NOT NULL, "secret_hint" varchar(4) NOT NULL, "expires_at" datetime, "last_used_at" datetime, "last_used_ip" varchar(45), CONSTRAINT "FK_705e457b9b167e4779e737ca3ef" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    `CREATE INDEX "personal_access_tokens_user_id_index" ON "personal_access_tokens" ("user_id") `,
    `CREATE UNIQUE INDEX "personal_access_tokens_secret_hash_unique" ON "personal_access_tokens" ("secret_hash") `,
    `CREATE TABLE "replaced_token_secrets" ("secret_hash" varchar(64) PRIMARY KEY NOT NULL, "token_id" varchar NOT NULL, "replaced_at" datetime NOT NULL, CONSTRAINT "FK_f71c003e08a9693dc30fbe59aad" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    `CREATE TABLE "personal_access_token_projects" ("token_id" varchar NOT NULL, "project_id" varchar NOT NULL, CONSTRAINT "FK_3df75d46caeef7eeaf58db8ed83" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens" ("id") ON DELETE CASCADE ON UPDATE CASCADE, CONSTRAINT "FK_c4eb4aae685e53f748c14cb4160" FOREIGN KEY ("project_id") REFERENCES "projects" ("id") ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY KEY ("token_id", "project_id"))`,
    `CREATE INDEX "IDX_3df75d46caeef7eeaf58db8ed8" ON "personal_access_token_projects" ("token_id") `,
    `CREATE INDEX "IDX_c4eb4aae685e53f748c14cb416" ON "personal_access_token_projects" ("project_id") `,
  );

  // Their indexes go with them; each table before those it references.
  down = statements(
    `DROP TABLE "personal_access_token_projects"`,
    `DROP TABLE "replaced_token_secrets"`,
    `DROP TABLE "personal_access_tokens"`,
    `DROP TABLE "users"`,
    `DROP TABLE "projects"`,
    `DROP TABLE "organisations"`,
  );
}
