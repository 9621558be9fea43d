import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

export class CreatePepperVerifiers1796050762851 implements MigrationInterface {
  up = statements(`
            CREATE TABLE "pepper_verifiers" (
                "name" varchar(32) PRIMARY KEY NOT NULL,
                "verifier" varchar(64) NOT NULL,
                "created_at" datetime NOT NULL
            )
        `);

  down = statements(`DROP TABLE "pepper_verifiers"`);
}
