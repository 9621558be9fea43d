import { MigrationInterface, QueryRunner } from "typeorm";

export class CreatePepperVerifiers1796050762851 implements MigrationInterface {
    name = 'CreatePepperVerifiers1796050762851'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "pepper_verifiers" (
                "name" varchar(32) PRIMARY KEY NOT NULL,
                "verifier" varchar(64) NOT NULL,
                "created_at" datetime NOT NULL
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "pepper_verifiers"
        `);
    }

}
