import { MigrationInterface } from 'typeorm';
import { rebuildSqliteTable, statements } from '../../../../database/migration-steps';

/** The tokens' table before this migration, as SQLite keeps it (again, once it is reverted). */
const before = `
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
        `;

/** After it: expiry_preset and allowed_ips follow last_used_ip. */
const after = before.replace(
  `"last_used_ip" varchar(45),`,
  `"last_used_ip" varchar(45),
                "expiry_preset" varchar(16) NOT NULL DEFAULT ('month'),
                "allowed_ips" text NOT NULL DEFAULT ('[]'),`,
);

/** The token columns before this migration, carried over by the rebuilds both ways. */
const columns = [
  'id',
  'created_at',
  'updated_at',
  'user_id',
  'note',
  'permissions',
  'all_projects',
  'secret_hash',
  'secret_hint',
  'expires_at',
  'last_used_at',
  'last_used_ip',
];

/** The tokens' indexes, created again after each rebuild. */
const indexes = [
  `
            CREATE UNIQUE INDEX "personal_access_tokens_secret_hash_unique" ON "personal_access_tokens" ("secret_hash")
        `,
  `
            CREATE INDEX "personal_access_tokens_user_id_index" ON "personal_access_tokens" ("user_id")
        `,
];

export class TokenSelfRotationAndAllowedIps1796042154077 implements MigrationInterface {
  up = statements(
    ...rebuildSqliteTable({ create: after, columns, indexes }),
    `
            CREATE TABLE "idempotent_answers" (
                "token_id" varchar PRIMARY KEY NOT NULL,
                "presented_secret_hash" varchar(64) NOT NULL,
                "key_hash" varchar(64) NOT NULL,
                "request_hash" varchar(64) NOT NULL,
                "sealed_answer" text NOT NULL,
                "expires_at" datetime NOT NULL,
                CONSTRAINT "FK_c5de764aaec2ae8d1d9f1bf0b57" FOREIGN KEY ("token_id") REFERENCES "personal_access_tokens" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `,
    `
            CREATE INDEX "idempotent_answers_presented_secret_hash_index" ON "idempotent_answers" ("presented_secret_hash")
        `,
    // Existing tokens get the preset their lifetime matches (a rotation reuses it).
    `
            UPDATE "personal_access_tokens" SET "expiry_preset" = CASE
                WHEN expires_at IS NULL THEN 'indefinite'
                WHEN julianday(expires_at) - julianday(updated_at) <= 8 THEN 'week'
                WHEN julianday(expires_at) - julianday(updated_at) <= 31 THEN 'month'
                WHEN julianday(expires_at) - julianday(updated_at) <= 91 THEN 'three_months'
                ELSE 'year'
            END
        `,
  );

  down = statements(
    `DROP TABLE "idempotent_answers"`,
    ...rebuildSqliteTable({ create: before, columns, indexes }),
  );
}
