import { MigrationInterface, QueryRunner } from "typeorm";

/** The expiry warnings scan a range of expires_at every few minutes: without an index, every token. */
export class IndexTokenExpiry1796043500000 implements MigrationInterface {
    name = 'IndexTokenExpiry1796043500000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "personal_access_tokens_expires_at_index" ON "personal_access_tokens" ("expires_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "personal_access_tokens_expires_at_index"
        `);
    }

}
