import { QueryRunner } from 'typeorm';

/*
 * What the migrations (each module's `migrations/<sqlite|postgres>/`) share, so that each says its
 * change once. This file sits outside those folders: the migration globs load every class exported
 * there. A migration TypeORM generates can be shortened the same way: `up = statements(...)` with
 * the statements it wrote, a SQLite table rebuild as `...rebuildSqliteTable({...})`, in a `down`
 * too (TypeORM writes a down's rebuild moving the old table aside first, which loses rows there:
 * see rebuildSqliteTable).
 *
 * SQLite keeps the text of each CREATE TABLE and CREATE INDEX as it was run, white space included
 * (a CREATE INDEX's trailing white space too), and deployed databases hold the text these
 * migrations ran: statements are passed through word for word, never rebuilt from parts.
 */

/**
 * One step of a migration: a statement, or a function that runs statements which depend on what
 * the database holds.
 */
export type MigrationStep = string | ((queryRunner: QueryRunner) => Promise<void>);

/** A migration's `up` or `down` as the list of its steps (statements mostly), run in order. */
export function statements(...steps: MigrationStep[]): (queryRunner: QueryRunner) => Promise<void> {
  return async (queryRunner) => {
    for (const step of steps) {
      if (typeof step === 'string') {
        await queryRunner.query(step);
      } else {
        await step(queryRunner);
      }
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
}

/**
 * The steps that change a SQLite table SQLite cannot ALTER (a column added with its place in the
 * CREATE text, a constraint), in an `up` or a `down` alike: the new table is created beside the
 * old under the name `temporary_<table>`, the rows are copied, the old table dropped and the new
 * one renamed, and the indexes are created again. SQLite keeps `create` as written (the rename
 * puts the table's name back).
 *
 * The rows of the tables that reference this one, directly or through others, are kept aside
 * meanwhile (`temp."saved_<table>"`) and put back after. TypeORM turns foreign keys off before a
 * migration's transaction when it applies migrations, but reverts with them on (its PRAGMA comes
 * inside the transaction, where SQLite ignores it, and no PRAGMA defers an ON DELETE action):
 * there, dropping the old table deletes the rows that reference it (ON DELETE CASCADE) or fails
 * (NO ACTION). Those rows are deleted first, each table's before those of the tables it
 * references, and put back in the opposite order once the new table holds its rows. Their foreign
 * keys keep naming the table: only the new table is renamed, and nothing references its
 * `temporary_` name (moving the old table aside instead would rename it in those foreign keys
 * too, SQLite 3.26 and later, leaving them on a table then dropped).
 */
export function rebuildSqliteTable(rebuild: SqliteRebuild): MigrationStep[] {
  const table = nameIn(rebuild.create, /^\s*CREATE TABLE "([^"]+)"/);
  const aside = `temporary_${table}`;
  const indexes = rebuild.indexes ?? [];
  const columns = rebuild.columns.map((column) => `"${column}"`).join(', ');
  return [
    keepReferencingRows(table),
    ...indexes.map(
      (index) => `DROP INDEX "${nameIn(index, /^\s*CREATE (?:UNIQUE )?INDEX "([^"]+)"/)}"`,
    ),
    rebuild.create.replace(`"${table}"`, `"${aside}"`),
    `INSERT INTO "${aside}"(${columns}) SELECT ${columns} FROM "${table}"`,
    `DROP TABLE "${table}"`,
    `ALTER TABLE "${aside}" RENAME TO "${table}"`,
    ...indexes,
    putBackReferencingRows(table),
  ];
}

/** Copies aside, then deletes, the rows of every table that references `table`. */
function keepReferencingRows(table: string): MigrationStep {
  return async (queryRunner) => {
    const referencing = await tablesReferencing(queryRunner, table);
    for (const child of referencing) {
      await queryRunner.query(`CREATE TEMP TABLE "saved_${child}" AS SELECT * FROM "${child}"`);
    }
    for (const child of [...referencing].reverse()) {
      await queryRunner.query(`DELETE FROM "${child}"`);
    }
  };
}

/** Puts back the rows `keepReferencingRows` kept aside, and drops their copies. */
function putBackReferencingRows(table: string): MigrationStep {
  return async (queryRunner) => {
    for (const child of await tablesReferencing(queryRunner, table)) {
      await queryRunner.query(`INSERT INTO "${child}" SELECT * FROM temp."saved_${child}"`);
      await queryRunner.query(`DROP TABLE temp."saved_${child}"`);
    }
  };
}

/**
 * The tables whose foreign keys lead to `table`, directly or through other tables, each after the
 * tables it references among them (a table's references to itself aside).
 */
async function tablesReferencing(queryRunner: QueryRunner, table: string): Promise<string[]> {
  const keys = (await queryRunner.query(
    `SELECT DISTINCT m.name AS child, f."table" AS parent
      FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
      WHERE m.type = 'table' ORDER BY 1, 2`,
  )) as { child: string; parent: string }[];
  // SQLite matches table names without regard to case.
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const references = keys.filter((key) => !same(key.child, key.parent));
  const found: string[] = [];
  const leadsToTable = (parent: string) =>
    same(parent, table) || found.some((other) => same(other, parent));
  for (let more = true; more;) {
    const next = references.filter(
      (key) =>
        leadsToTable(key.parent) &&
        !same(key.child, table) &&
        !found.some((other) => same(other, key.child)),
    );
    more = next.length > 0;
    found.push(...new Set(next.map((key) => key.child)));
  }
  const ordered: string[] = [];
  while (ordered.length < found.length) {
    const ready = found.filter(
      (child) =>
        !ordered.includes(child) &&
        references.every(
          (key) =>
            !same(key.child, child) ||
            !found.some((other) => same(other, key.parent)) ||
            ordered.some((other) => same(other, key.parent)),
        ),
    );
    if (ready.length === 0) {
      const rest = found.filter((child) => !ordered.includes(child));
      throw new Error(
        `The tables ${rest.join(', ')} reference each other: rebuilding "${table}" cannot keep their rows`,
      );
    }
    ordered.push(...ready);
  }
  return ordered;
}

function nameIn(statement: string, pattern: RegExp): string {
  const name = pattern.exec(statement)?.[1];
  if (name === undefined) {
    throw new Error(`Not a statement rebuildSqliteTable takes: ${statement.trim().slice(0, 80)}`);
  }
  return name;
}
