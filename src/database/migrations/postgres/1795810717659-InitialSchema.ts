import { MigrationInterface } from 'typeorm';
import { statements } from '../../migration-steps';

export class InitialSchema1795810717659 implements MigrationInterface {
  up = statements(
    `CREATE TABLE "organisations" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "name" character varying(100) NOT NULL, CONSTRAINT "PK_7bf54cba378d5b2f1d4c10ef4df" PRIMARY KEY ("id"))`,
    `CREATE TABLE "projects" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "organisation_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "key" character varying(64) NOT NULL, "version" character varying(8) NOT NULL DEFAULT 'v1', "protected" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))`,
    `CREATE UNIQUE INDEX "projects_organisation_key_unique" ON "projects"  ("organisation_id", "key") `,
    `CREATE TABLE "users" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "organisation_id" uuid NOT NULL, "email" character varying(254) NOT NULL, "type" character varying(16) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'active', "is_service" boolean NOT NULL DEFAULT false, "first_name" character varying(100), "last_name" character varying(100), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    `CREATE UNIQUE INDEX "users_organisation_email_unique" ON "users"  ("organisation_id", "email") `,
    `CREATE TABLE "personal_access_tokens" ("id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "user_id" uuid NOT NULL, "note" character varying(100) NOT NULL, "permissions" jsonb NOT NULL, "all_projects" boolean NOT NULL DEFAULT false, "secret_hash" character varying(64) NOT NULL, "secret_hint" character varying(4) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "last_used_ip" character varying(45), CONSTRAINT "PK_b6dc462fa11dbbb897eb8419735" PRIMARY KEY ("id"))`,
    `CREATE INDEX "personal_access_tokens_user_id_index" ON "personal_access_tokens"  ("user_id") `,
    `CREATE UNIQUE INDEX "personal_access_tokens_secret_hash_unique" ON "personal_access_tokens"  ("secret_hash") `,
    `CREATE TABLE "replaced_token_secrets" ("secret_hash" character varying(64) NOT NULL, "token_id" uuid NOT NULL, "replaced_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_72a9b3921523140a183bdc50362" PRIMARY KEY ("secret_hash"))`,
    `CREATE TABLE "personal_access_token_projects" ("token_id" uuid NOT NULL, "project_id" uuid NOT NULL, CONSTRAINT "PK_b8591391cdbff5078fac01724f7" PRIMARY KEY ("token_id", "project_id"))`,
    `CREATE INDEX "IDX_3df75d46caeef7eeaf58db8ed8" ON "personal_access_token_projects"  ("token_id") `,
    `CREATE INDEX "IDX_c4eb4aae685e53f748c14cb416" ON "personal_access_token_projects"  ("project_id") `,
    `ALTER TABLE "projects" ADD CONSTRAINT "FK_4b989f84bfb9c853ee4db3cd232" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    `ALTER TABLE "users" ADD CONSTRAINT "FK_2fc4294f8ec97da71d587dc5577" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    `ALTER TABLE "personal_access_tokens" ADD CONSTRAINT "FK_705e457b9b167e4779e737ca3ef" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    `ALTER TABLE "replaced_token_secrets" ADD CONSTRAINT "FK_f71c003e08a9693dc30fbe59aad" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    `ALTER TABLE "personal_access_token_projects" ADD CONSTRAINT "FK_3df75d46caeef7eeaf58db8ed83" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    `ALTER TABLE "personal_access_token_projects" ADD CONSTRAINT "FK_c4eb4aae685e53f748c14cb4160" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
  );

  // With their indexes and foreign keys.
  down = statements(
    `DROP TABLE "personal_access_token_projects", "replaced_token_secrets", "personal_access_tokens", "users", "projects", "organisations"`,
  );
}
