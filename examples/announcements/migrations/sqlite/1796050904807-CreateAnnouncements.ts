import { MigrationInterface, QueryRunner } from "typeorm";

export class CreateAnnouncements1796050904807 implements MigrationInterface {
    name = 'CreateAnnouncements1796050904807'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "announcements" (
                "id" varchar PRIMARY KEY NOT NULL,
                "created_at" datetime NOT NULL,
                "updated_at" datetime NOT NULL,
                "organisation_id" varchar NOT NULL,
                "title" varchar(100) NOT NULL,
                "body" varchar(2000) NOT NULL,
                "author_id" varchar NOT NULL
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "announcements_organisation_created_index" ON "announcements" ("organisation_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "announcements_organisation_created_index"
        `);
        await queryRunner.query(`
            DROP TABLE "announcements"
        `);
    }

}
