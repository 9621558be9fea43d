import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreateWebhooks1796038174400 implements MigrationInterface {
  up = statements(
    `
            CREATE TABLE "webhook_endpoints" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "organisation_id" uuid NOT NULL,
                "url" character varying(2000) NOT NULL,
                "description" character varying(200),
                "events" jsonb NOT NULL,
                "sealed_secret" character varying(200) NOT NULL,
                "enabled" boolean NOT NULL DEFAULT true,
                "disabled_reason" character varying(300),
                CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
            )
        `,
    `
            CREATE INDEX "webhook_endpoints_organisation_index" ON "webhook_endpoints" ("organisation_id")
        `,
    `
            CREATE TABLE "webhook_messages" (
                "id" uuid NOT NULL,
                "organisation_id" uuid NOT NULL,
                "type" character varying(64) NOT NULL,
                "body" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_526e8e1655924920adc4cd30dcd" PRIMARY KEY ("id")
            )
        `,
    `
            CREATE TABLE "webhook_deliveries" (
                "sequence" BIGSERIAL NOT NULL,
                "id" uuid NOT NULL,
                "endpoint_id" uuid NOT NULL,
                "message_id" uuid NOT NULL,
                "state" character varying(16) NOT NULL,
                "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "lease_until" TIMESTAMP WITH TIME ZONE,
                "attempts" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "finished_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_f9dc58bea597362d342faaa07cc" PRIMARY KEY ("sequence")
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
    `
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `,
    `
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_35330ff895962f7bd8a46c18177" FOREIGN KEY ("message_id") REFERENCES "webhook_messages"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `,
  );

  // With their indexes, foreign keys and the deliveries' sequence.
  down = statements(`DROP TABLE "webhook_deliveries", "webhook_messages", "webhook_endpoints"`);
}
