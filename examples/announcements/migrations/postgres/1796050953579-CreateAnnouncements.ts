import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateAnnouncements1796050953579 implements MigrationInterface {
    name = 'CreateAnnouncements1796050953579'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "announcements" (
                "id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "organisation_id" uuid NOT NULL,
                "title" character varying(100) NOT NULL,
                "body" character varying(2000) NOT NULL,
                "author_id" uuid NOT NULL,
                CONSTRAINT "PK_b3ad760876ff2e19d58e05dc8b0" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "announcements_organisation_created_index" ON "announcements" ("organisation_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."announcements_organisation_created_index"
        `);
        await queryRunner.query(`
            DROP TABLE "announcements"
        `);
    }

}
