import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { withStartupLock } from './startup-lock';

/** How an operator applies migrations when the server does not (DATABASE_MIGRATIONS_RUN=false). */
export const APPLY_MIGRATIONS = '`node dist/cli.js migrate` (or `npm run migration:run`)';

/** The migrations the code has that the database has not recorded; reads only, creates nothing. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const runner = dataSource.createQueryRunner();
  let applied: string[] = [];
  try {
    if (await runner.hasTable(table)) {
      const rows = (await runner.query(`SELECT name FROM ${table}`)) as { name: string }[];
      applied = rows.map((row) => row.name);
    }
  } finally {
    await runner.release();
  }
  return dataSource.migrations
    .map((migration) => migration.name ?? migration.constructor.name)
    .filter((name) => !applied.includes(name));
}

/**
 * Applies pending migrations under the start-up lock (instances starting at once take turns), in
 * a transaction each; answers their names.
 */
export async function applyMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await withStartupLock(dataSource, () =>
    dataSource.runMigrations({ transaction: 'each' }),
  );
  if (applied.length > 0) {
    new Logger('Database').log(
      `Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`,
    );
  }
  return applied.map((migration) => migration.name);
}

/**
 * With DATABASE_MIGRATIONS_RUN=false the server would fail at its first query of a table that
 * does not exist yet: it stops at once instead, saying what to run.
 */
export async function refuseUnappliedMigrations(dataSource: DataSource): Promise<void> {
  const pending = await pendingMigrations(dataSource);
  if (pending.length > 0) {
    throw new Error(
      `the database lacks ${pending.length} migration(s) and DATABASE_MIGRATIONS_RUN=false: apply them with ${APPLY_MIGRATIONS}, with the same settings, then start again (or leave DATABASE_MIGRATIONS_RUN unset to apply them at start-up)`,
    );
  }
}
