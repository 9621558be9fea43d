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
