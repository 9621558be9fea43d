import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../src/config/database.config';
import { applyMigrations } from '../src/database/migrations-state';
import { buildTypeOrmOptions } from '../src/database/typeorm-options';
import { TestApp } from './support/test-app';

/**
 * The schema the migrations build is the one the entities describe: an entity change without its
 * migration (or a migration that drifts from its entity) fails here, on both databases, instead
 * of at the first query that needs the missing column or index.
 */
describe('migrations', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await TestApp.start();
  });

  afterAll(() => testApp.app.close());

  it('should leave nothing for TypeORM to change after all migrations ran', async () => {
    const { upQueries } = await testApp.database.driver.createSchemaBuilder().log();
    expect(upQueries.map((query) => query.query.trim())).toEqual([]);
  });

  it('should have run every migration', async () => {
    await expect(testApp.database.showMigrations()).resolves.toBe(false);
  });
});

/** What a database's schema is made of, as the database itself tells it. */
async function schemaOf(dataSource: DataSource): Promise<unknown[]> {
  if (dataSource.options.type !== 'postgres') {
    // SQLite keeps each CREATE statement's text: the schema, word for word.
    return dataSource.query('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY 1, 2');
  }
  // A column's place among its table's columns: PostgreSQL's ordinal_position counts the places of
  // dropped columns too, so that a column dropped by a revert and added again comes later.
  return Promise.all(
    [
      `SELECT table_name, column_name,
        row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position) AS place,
        data_type, character_maximum_length, is_nullable, column_default
        FROM information_schema.columns
        WHERE table_schema = current_schema() ORDER BY 1, 3`,
      `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2`,
      `SELECT tablename, indexname, indexdef FROM pg_indexes
        WHERE schemaname = current_schema() ORDER BY 1, 2`,
      `SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences
        WHERE sequence_schema = current_schema() ORDER BY 1`,
    ].map((sql) => dataSource.query(sql)),
  );
}

/** Every `down` runs, together they undo every `up`, and applying them again builds the same schema. */
describe('migrations, reverted and applied again', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(buildTypeOrmOptions(readDatabaseConfig())).initialize();
  });

  afterAll(() => dataSource.destroy());

  it('should revert every migration down to the migrations table, then build the same schema', async () => {
    const built = await schemaOf(dataSource);
    for (const _migration of dataSource.migrations) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    const tables = await dataSource.query<{ name: string }[]>(
      dataSource.options.type === 'postgres'
        ? `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`
        : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    );
    expect(tables.map((table) => table.name)).toEqual(['migrations']);

    await dataSource.runMigrations({ transaction: 'each' });
    expect(await schemaOf(dataSource)).toEqual(built);
  });
});

/** The tables of the database, the migrations' own aside. */
async function tablesOf(dataSource: DataSource): Promise<string[]> {
  const tables = await dataSource.query<{ name: string }[]>(
    dataSource.options.type === 'postgres'
      ? `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`
      : `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  );
  return tables
    .map((table) => table.name)
    .filter((name) => name !== 'migrations')
    .sort();
}

/** The tables `table`'s foreign keys name, as the database resolves them. */
async function referencedBy(dataSource: DataSource, table: string): Promise<string[]> {
  if (dataSource.options.type === 'postgres') {
    const keys = await dataSource.query<{ parent: string }[]>(
      `SELECT confrelid::regclass::text AS parent FROM pg_constraint
        WHERE contype = 'f' AND conrelid = $1::regclass`,
      [`"${table}"`],
    );
    return keys.map((key) => key.parent.replace(/"/g, ''));
  }
  const keys = await dataSource.query<{ table: string }[]>(`PRAGMA foreign_key_list("${table}")`);
  return keys.map((key) => key.table);
}

/** Every row of each table, in an order that does not depend on how they were written. */
async function rowsOf(dataSource: DataSource, tables: string[]): Promise<Record<string, string[]>> {
  const rows: Record<string, string[]> = {};
  for (const table of tables) {
    const found = await dataSource.query<unknown[]>(`SELECT * FROM "${table}"`);
    rows[table] = found.map((row) => JSON.stringify(row)).sort();
  }
  return rows;
}

/**
 * A revert runs inside a transaction with foreign keys on (TypeORM's PRAGMA to turn them off comes
 * inside it, where SQLite ignores it): a `down` that rebuilds a table must keep the rows that
 * reference it, which the old table's DROP deletes (ON DELETE CASCADE), and leave their foreign
 * keys on the table's name, not on a table moved aside and dropped.
 */
describe('migrations reverted past a table rebuild, then applied again', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await new DataSource(buildTypeOrmOptions(readDatabaseConfig())).initialize();
    await applyMigrations(dataSource);
  });

  afterAll(() => dataSource.destroy());

  /** A row of each table the revert below leaves (a token with projects and replaced secrets). */
  async function insertRowInEveryTable(): Promise<void> {
    const postgres = dataSource.options.type === 'postgres';
    const insert = (table: string, row: Record<string, unknown>) => {
      const columns = Object.keys(row);
      const places = columns.map((_, index) => (postgres ? `$${index + 1}` : '?'));
      return dataSource.query(
        `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(', ')})
          VALUES (${places.join(', ')})`,
        Object.values(row),
      );
    };
    const at = '2030-01-01 00:00:00.000';
    const stamps = { created_at: at, updated_at: at };
    const organisation = randomUUID();
    const user = randomUUID();
    const projects = [randomUUID(), randomUUID()];
    const tokens = [randomUUID(), randomUUID()];
    await insert('organisations', { id: organisation, ...stamps, name: 'Kept' });
    for (const [index, project] of projects.entries()) {
      await insert('projects', {
        id: project,
        ...stamps,
        organisation_id: organisation,
        name: `Project ${index}`,
        key: `project-${index}`,
      });
    }
    await insert('users', {
      id: user,
      ...stamps,
      organisation_id: organisation,
      email: 'kept@example.com',
      type: 'member',
    });
    // The preset each token would be given again by the migration that adds it.
    for (const [index, token] of tokens.entries()) {
      await insert('personal_access_tokens', {
        id: token,
        ...stamps,
        user_id: user,
        note: `Token ${index}`,
        permissions: '["projects:read"]',
        secret_hash: `${index}`.repeat(64),
        secret_hint: 'abcd',
        expires_at: index === 0 ? null : '2030-01-21 00:00:00.000',
        expiry_preset: index === 0 ? 'indefinite' : 'month',
      });
      for (const project of projects) {
        await insert('personal_access_token_projects', { token_id: token, project_id: project });
      }
      for (const replaced of ['a', 'b']) {
        await insert('replaced_token_secrets', {
          secret_hash: `${replaced}${index}`.repeat(32),
          token_id: token,
          replaced_at: at,
        });
      }
    }
    await insert('invitations', {
      id: randomUUID(),
      ...stamps,
      user_id: user,
      organisation_id: organisation,
      code_hash: 'c'.repeat(64),
      type: 'member',
      expires_at: at,
    });
    const endpoint = randomUUID();
    const message = randomUUID();
    await insert('webhook_endpoints', {
      id: endpoint,
      ...stamps,
      organisation_id: organisation,
      url: 'https://example.com/hook',
      events: '["token.created"]',
      sealed_secret: 'sealed',
    });
    await insert('webhook_messages', {
      id: message,
      organisation_id: organisation,
      type: 'token.created',
      body: '{}',
      created_at: at,
    });
    await insert('webhook_deliveries', {
      id: randomUUID(),
      endpoint_id: endpoint,
      message_id: message,
      state: 'pending',
      next_attempt_at: at,
      attempts: '[]',
      created_at: at,
    });
    await insert('audit_log_entries', {
      id: randomUUID(),
      organisation_id: organisation,
      action: 'token.created',
      token_id: tokens[0],
      target_type: 'token',
      target_id: tokens[0],
      details: '{}',
      created_at: at,
    });
  }

  /** Every foreign key of every table names a table that exists. */
  async function expectForeignKeysOnExistingTables(): Promise<void> {
    const tables = await tablesOf(dataSource);
    for (const table of tables) {
      const parents = await referencedBy(dataSource, table);
      expect({ table, missing: parents.filter((parent) => !tables.includes(parent)) }).toEqual({
        table,
        missing: [],
      });
    }
    if (dataSource.options.type !== 'postgres') {
      await expect(dataSource.query('PRAGMA foreign_key_check')).resolves.toEqual([]);
    }
  }

  it('should keep every row of the tables it leaves, and their foreign keys', async () => {
    const built = await schemaOf(dataSource);
    await insertRowInEveryTable();
    const rows = await rowsOf(dataSource, await tablesOf(dataSource));
    const applied = async () =>
      (await dataSource.query<{ name: string }[]>(`SELECT name FROM migrations`)).map(
        (migration) => migration.name,
      );
    const rebuilding = (name: string) => name.startsWith('TokenSelfRotationAndAllowedIps');
    expect((await applied()).some(rebuilding)).toBe(true);

    while ((await applied()).some(rebuilding)) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    // The tables left, each with the rows it had (a revert drops the columns it added).
    const left = await tablesOf(dataSource);
    expect(left).toContain('personal_access_tokens');
    const counts = (of: Record<string, string[]>) =>
      left.map((table) => ({ table, rows: of[table].length }));
    expect(counts(await rowsOf(dataSource, left))).toEqual(counts(rows));
    expect(counts(rows).filter((table) => table.rows === 0)).toEqual([]);
    await expectForeignKeysOnExistingTables();

    // Applied again as the server applies them at start-up.
    await applyMigrations(dataSource);
    await expectForeignKeysOnExistingTables();
    expect(await schemaOf(dataSource)).toEqual(built);
    expect(await rowsOf(dataSource, left)).toEqual(
      Object.fromEntries(left.map((table) => [table, rows[table]])),
    );
  });
});
