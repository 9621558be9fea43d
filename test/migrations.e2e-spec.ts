import { DataSource } from 'typeorm';
import { readDatabaseConfig } from '../src/config/database.config';
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
  return Promise.all(
    [
      `SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length,
        is_nullable, column_default FROM information_schema.columns
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
