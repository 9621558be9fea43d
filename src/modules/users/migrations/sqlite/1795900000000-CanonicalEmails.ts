import { MigrationInterface, QueryRunner } from 'typeorm';
import { rewriteEmailsCanonically } from '../canonical-emails';

/** Emails are unique after NFC and case folding: existing ones are rewritten in that form. */
export class CanonicalEmails1795900000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await rewriteEmailsCanonically(queryRunner, () => '?');
  }

  public async down(): Promise<void> {
    // Nothing to undo: a canonical email is a valid email.
  }
}
