import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreatePepperVerifiers1796050815124 implements MigrationInterface {
  up = statements(`
            CREATE TABLE "pepper_verifiers" (
                "name" character varying(32) NOT NULL,
                "verifier" character varying(64) NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_d7b9e70b945b344912f6d67394d" PRIMARY KEY ("name")
            )
        `);

  down = statements(`DROP TABLE "pepper_verifiers"`);
}
