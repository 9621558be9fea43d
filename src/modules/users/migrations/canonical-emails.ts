import { QueryRunner } from 'typeorm';
import { canonicalEmail } from '../email';

/**
 * Rewrites every stored email in its canonical form (NFC, case-folded). Two users of one
 * organisation whose emails become the same would be one user: the migration then stops, naming
 * both, for an operator to change one of them first.
 */
export async function rewriteEmailsCanonically(
  queryRunner: QueryRunner,
  placeholder: (index: number) => string,
): Promise<void> {
  const users = (await queryRunner.query(
    'SELECT id, organisation_id, email FROM users ORDER BY created_at, id',
  )) as { id: string; organisation_id: string; email: string }[];
  const seen = new Map<string, string>();
  const changes: { id: string; email: string }[] = [];
  for (const user of users) {
    const email = canonicalEmail(user.email);
    const key = `${user.organisation_id} ${email}`;
    const other = seen.get(key);
    if (other !== undefined) {
      throw new Error(
        `The emails ${JSON.stringify(other)} and ${JSON.stringify(user.email)} are the same address once normalised: change one of them, then run the migrations again`,
      );
    }
    seen.set(key, user.email);
    if (email !== user.email) {
      changes.push({ id: user.id, email });
    }
  }
  for (const change of changes) {
    await queryRunner.query(
      `UPDATE users SET email = ${placeholder(1)} WHERE id = ${placeholder(2)}`,
      [change.email, change.id],
    );
  }
}
