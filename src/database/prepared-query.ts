import type { Database, Statement } from 'better-sqlite3';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

/*
 * The hottest reads (authentication, the documented GET) skip TypeORM's query builder and entity
 * hydration, which cost several times the rest of the request: one SQL statement of constant
 * text, prepared once. TypeORM has no public API for a prepared statement, so this reaches two
 * fields of its drivers: better-sqlite3's `databaseConnection` and pg's pool `master`.
 * `assertPreparedQueriesSupported` runs at start-up so that a TypeORM upgrade that renames them
 * fails loudly there, not at the first request.
 */

interface SqliteDriverInternals {
  databaseConnection?: Pick<Database, 'prepare' | 'transaction' | 'inTransaction'>;
}

interface PostgresDriverInternals {
  master?: Pick<Pool, 'query'>;
}

/** Throws, naming the missing field, unless the data source's driver exposes what PreparedQuery uses. */
export function assertPreparedQueriesSupported(dataSource: DataSource): void {
  const { type } = dataSource.options;
  const driver = dataSource.driver as SqliteDriverInternals & PostgresDriverInternals;
  const missing =
    type === 'better-sqlite3'
      ? typeof driver.databaseConnection?.prepare !== 'function' &&
        'driver.databaseConnection.prepare'
      : type === 'postgres'
        ? typeof driver.master?.query !== 'function' && 'driver.master.query'
        : `a driver for ${type}`;
  if (missing) {
    throw new Error(
      `Prepared queries need TypeORM's ${missing}, which this TypeORM version does not provide: ` +
        'update src/database/prepared-query.ts for it',
    );
  }
}

/**
 * The same statement in each database's placeholder style ($1 on PostgreSQL, ? on SQLite). For
 * `runBatch`, the PostgreSQL text takes each parameter as an array of the batch's values (read
 * with `unnest`), the SQLite text one row's.
 */
export interface PreparedQueryText {
  postgres: string;
  sqlite: string;
}

/**
 * One SELECT, prepared once: on better-sqlite3 a Statement kept for the connection's life, on
 * PostgreSQL a named statement that each pooled connection parses and plans once.
 */
export class PreparedQuery<Row> {
  private readonly postgres: boolean;
  private statement?: Statement<unknown[], Row>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly name: string,
    private readonly text: PreparedQueryText,
  ) {
    assertPreparedQueriesSupported(dataSource);
    this.postgres = dataSource.options.type === 'postgres';
  }

  /** The rows a SELECT answers. Booleans are bound as 0/1 on SQLite, which has no boolean type. */
  async all(parameters: readonly unknown[]): Promise<Row[]> {
    if (this.postgres) {
      const pool = (this.dataSource.driver as PostgresDriverInternals).master!;
      const result = await pool.query<Row & object>({
        name: this.name,
        text: this.text.postgres,
        values: [...parameters],
      });
      return result.rows;
    }
    return this.sqliteStatement().all(...sqliteValues(parameters));
  }

  /** Runs an UPDATE or a DELETE; answers how many rows it changed. */
  async run(parameters: readonly unknown[]): Promise<number> {
    if (this.postgres) {
      const pool = (this.dataSource.driver as PostgresDriverInternals).master!;
      const result = await pool.query({
        name: this.name,
        text: this.text.postgres,
        values: [...parameters],
      });
      return result.rowCount ?? 0;
    }
    return this.sqliteStatement().run(...sqliteValues(parameters)).changes;
  }

  /**
   * Runs an UPDATE for each row of parameters, all or none: on PostgreSQL one statement given each
   * parameter as an array, on SQLite one transaction. Answers how many rows it changed.
   */
  async runBatch(rows: readonly (readonly unknown[])[]): Promise<number> {
    if (rows.length === 0) {
      return 0;
    }
    if (this.postgres) {
      const columns = rows[0].map((_, index) => rows.map((row) => row[index]));
      return this.run(columns);
    }
    const connection = (this.dataSource.driver as SqliteDriverInternals).databaseConnection!;
    // TypeORM shares this one connection: joining a transaction of its that is open meanwhile
    // would roll the batch back with it. Wait for it to end (they are short), else give up.
    for (let waited = 0; connection.inTransaction; waited += 5) {
      if (waited >= WAIT_FOR_TRANSACTION_MS) {
        throw new Error(
          `a transaction stayed open on the connection for ${WAIT_FOR_TRANSACTION_MS} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const statement = this.sqliteStatement();
    return connection.transaction(() =>
      rows.reduce((changes, row) => changes + statement.run(...sqliteValues(row)).changes, 0),
    )();
  }

  private sqliteStatement(): Statement<unknown[], Row> {
    this.statement ??= (
      this.dataSource.driver as SqliteDriverInternals
    ).databaseConnection!.prepare<unknown[], Row>(this.text.sqlite);
    return this.statement;
  }
}

/** How long a SQLite batch waits for a transaction open on the shared connection to end. */
const WAIT_FOR_TRANSACTION_MS = 2_000;

/** SQLite has no boolean type: true and false are bound as 1 and 0. */
function sqliteValues(parameters: readonly unknown[]): unknown[] {
  return parameters.map((value) => (typeof value === 'boolean' ? Number(value) : value));
}

/** A timestamp as either driver answers it: PostgreSQL a Date, SQLite the UTC text TypeORM wrote. */
export function rowDate(value: string | Date): Date;
export function rowDate(value: string | Date | null): Date | null;
export function rowDate(value: string | Date | null): Date | null {
  if (value === null || value instanceof Date) {
    return value;
  }
  return new Date(`${value.replace(' ', 'T')}Z`);
}

/** A JSON column as either driver answers it: PostgreSQL parsed jsonb, SQLite its text. */
export function rowJson<T>(value: string | T): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

/** A boolean column: PostgreSQL a boolean, SQLite 0 or 1. */
export function rowBoolean(value: boolean | number): boolean {
  return Boolean(value);
}
