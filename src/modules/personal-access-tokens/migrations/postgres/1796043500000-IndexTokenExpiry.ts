import { MigrationInterface } from 'typeorm';
import { statements } from '../../../../database/migration-steps';

/** The expiry warnings scan a range of expires_at every few minutes: without an index, every token. */
export class IndexTokenExpiry1796043500000 implements MigrationInterface {
  up = statements(`
            CREATE INDEX "personal_access_tokens_expires_at_index" ON "personal_access_tokens" ("expires_at")
        `);

  down = statements(`DROP INDEX "personal_access_tokens_expires_at_index"`);
}
