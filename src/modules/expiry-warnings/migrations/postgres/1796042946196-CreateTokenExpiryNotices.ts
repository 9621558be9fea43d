import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateTokenExpiryNotices1796042946196 implements MigrationInterface {
    name = 'CreateTokenExpiryNotices1796042946196'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "token_expiry_notices" (
                "token_id" uuid NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "threshold_days" integer NOT NULL,
                "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_7c457b35259edd8bdc26a2ba2e5" PRIMARY KEY ("token_id", "expires_at", "threshold_days")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "token_expiry_notices_expires_at_index" ON "token_expiry_notices" ("expires_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."token_expiry_notices_expires_at_index"
        `);
        await queryRunner.query(`
            DROP TABLE "token_expiry_notices"
        `);
    }

}
