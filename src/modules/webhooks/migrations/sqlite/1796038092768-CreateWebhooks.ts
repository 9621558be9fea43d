import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreateWebhooks1796038092768 implements MigrationInterface {
  up = statements(
    `
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
        `,
    `
            CREATE INDEX "webhook_endpoints_organisation_index" ON "webhook_endpoints" ("organisation_id")
        `,
    `
            CREATE TABLE "webhook_messages" (
                "id" varchar PRIMARY KEY NOT NULL,
                "organisation_id" varchar NOT NULL,
                "type" varchar(64) NOT NULL,
                "body" text NOT NULL,
                "created_at" datetime NOT NULL
            )
        `,
    `
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
                "finished_at" datetime,
                CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
                CONSTRAINT "FK_35330ff895962f7bd8a46c18177" FOREIGN KEY ("message_id") REFERENCES "webhook_messages" ("id") ON DELETE CASCADE ON UPDATE NO ACTION
            )
        `,
    `
            CREATE UNIQUE INDEX "webhook_deliveries_id_unique" ON "webhook_deliveries" ("id")
        `,
    `
            CREATE INDEX "webhook_deliveries_message_index" ON "webhook_deliveries" ("message_id")
        `,
    `
            CREATE INDEX "webhook_deliveries_state_due_index" ON "webhook_deliveries" ("state", "next_attempt_at")
        `,
    `
            CREATE INDEX "webhook_deliveries_endpoint_state_index" ON "webhook_deliveries" ("endpoint_id", "state", "sequence")
        `,
  );

  // Their indexes go with them; the deliveries first, which reference the other two.
  down = statements(
    `DROP TABLE "webhook_deliveries"`,
    `DROP TABLE "webhook_messages"`,
    `DROP TABLE "webhook_endpoints"`,
  );
}
