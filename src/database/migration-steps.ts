import { QueryRunner } from 'typeorm';

/*
 * What the migrations (each module's `migrations/<sqlite|postgres>/`) share, so that each says its
 * change once. This file sits outside those folders: the migration globs load every class exported
 * there. A migration TypeORM generates can be shortened the same way: `up = statements(...)` with
 * the statements it wrote, a SQLite table rebuild as `...rebuildSqliteTable({...})`.
 *
 * SQLite keeps the text of each CREATE TABLE and CREATE INDEX as it was run, white space included
 * (a CREATE INDEX's trailing white space too), and deployed databases hold the text these
 * migrations ran: statements are passed through word for word, never rebuilt from parts.
 */

/** A migration's `up` or `down` as the list of its statements, run in order. */
export function statements(...sql: string[]): (queryRunner: QueryRunner) => Promise<void> {
  return async (queryRunner) => {
    for (const statement of sql) {
      await queryRunner.query(statement);
    }
  };
}

export interface SqliteRebuild {
  /** The table's new definition, `CREATE TABLE "<table>" (...)`, as SQLite is to keep it. */
  create: string;
  /** The columns whose values are carried over (those the old and the new table both have). */
  columns: readonly string[];
  /**
   * Every index of the table, `CREATE [UNIQUE] INDEX "<name>" ...` each: dropped first and created
   * again at the end (dropping a table drops its indexes).
   */
  indexes?: readonly string[];
  /**
   * Moves the old table aside before creating the new one, the order of TypeORM's generated
   * `down`s, kept where a migration was applied that way so that a revert ends as it did: since
   * SQLite 3.26 the rename also renames the table in the foreign keys that reference it, which are
   * then left pointing at the dropped aside table. Not for new migrations.
   */
  renameFirst?: boolean;
}

/**
 * The statements that change a SQLite table SQLite cannot ALTER (a column added with its place in
 * the CREATE text, a constraint): the new table is created beside the old under the name
 * `temporary_<table>`, the rows are copied, the old table dropped and the new one renamed, and the
 * indexes are created again. SQLite keeps `create` as written (the rename puts the table's name
 * back).
 *
 * Rows of other tables that reference this one are kept in an `up` only: TypeORM turns foreign keys
 * off before each migration's transaction when it applies them, but reverts with them on (its
 * PRAGMA comes inside the transaction, where SQLite ignores it), so in a `down` dropping the old
 * table deletes those rows (ON DELETE CASCADE).
 */
export function rebuildSqliteTable(rebuild: SqliteRebuild): string[] {
  const table = nameIn(rebuild.create, /^\s*CREATE TABLE "([^"]+)"/);
  const aside = `temporary_${table}`;
  const indexes = rebuild.indexes ?? [];
  const columns = rebuild.columns.map((column) => `"${column}"`).join(', ');
  const copy = (to: string, from: string) =>
    `INSERT INTO "${to}"(${columns}) SELECT ${columns} FROM "${from}"`;
  const swap = rebuild.renameFirst
    ? [
        `ALTER TABLE "${table}" RENAME TO "${aside}"`,
        rebuild.create,
        copy(table, aside),
        `DROP TABLE "${aside}"`,
      ]
    : [
        rebuild.create.replace(`"${table}"`, `"${aside}"`),
        copy(aside, table),
        `DROP TABLE "${table}"`,
        `ALTER TABLE "${aside}" RENAME TO "${table}"`,
      ];
  return [
    ...indexes.map(
      (index) => `DROP INDEX "${nameIn(index, /^\s*CREATE (?:UNIQUE )?INDEX "([^"]+)"/)}"`,
    ),
    ...swap,
    ...indexes,
  ];
}

function nameIn(statement: string, pattern: RegExp): string {
  const name = pattern.exec(statement)?.[1];
  if (name === undefined) {
    throw new Error(`Not a statement rebuildSqliteTable takes: ${statement.trim().slice(0, 80)}`);
  }
  return name;
}
