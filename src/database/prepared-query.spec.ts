import { DataSource } from 'typeorm';
import { assertPreparedQueriesSupported, PreparedQuery, rowDate } from './prepared-query';

/** A data source as TypeORM would build it, with the driver fields given. */
function dataSourceWith(type: string, driver: object): DataSource {
  return { options: { type }, driver } as unknown as DataSource;
}

describe('assertPreparedQueriesSupported (the start-up check)', () => {
  it('refuses a better-sqlite3 driver without databaseConnection.prepare, naming the field', () => {
    expect(() => assertPreparedQueriesSupported(dataSourceWith('better-sqlite3', {}))).toThrow(
      /TypeORM's driver\.databaseConnection\.prepare/,
    );
    expect(() =>
      assertPreparedQueriesSupported(
        dataSourceWith('better-sqlite3', { databaseConnection: { prepare: 'renamed' } }),
      ),
    ).toThrow(/databaseConnection\.prepare/);
  });

  it('refuses a postgres driver without master.query, naming the field', () => {
    expect(() =>
      assertPreparedQueriesSupported(dataSourceWith('postgres', { pool: { query() {} } })),
    ).toThrow(/TypeORM's driver\.master\.query/);
  });

  it('refuses a database kind it has no statement for', () => {
    expect(() => assertPreparedQueriesSupported(dataSourceWith('mysql', {}))).toThrow(/mysql/);
  });

  it('a PreparedQuery cannot be built on a driver that fails the check', () => {
    expect(
      () =>
        new PreparedQuery(dataSourceWith('postgres', {}), 'q', {
          postgres: 'SELECT 1',
          sqlite: '',
        }),
    ).toThrow(/driver\.master\.query/);
  });
});

describe('PreparedQuery on the TypeORM version installed', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE t (id TEXT, at DATETIME, flag BOOLEAN)');
    await dataSource.query(`INSERT INTO t VALUES ('a', '2026-11-27 20:00:00.000', 1)`);
  });

  afterAll(() => dataSource.destroy());

  it('passes the check and answers rows, booleans bound as 0/1', async () => {
    expect(() => assertPreparedQueriesSupported(dataSource)).not.toThrow();
    const query = new PreparedQuery<{ id: string; at: string }>(dataSource, 'rows', {
      postgres: '',
      sqlite: 'SELECT id, at FROM t WHERE flag = ?',
    });
    const rows = await query.all([true]);
    expect(rows).toEqual([{ id: 'a', at: '2026-11-27 20:00:00.000' }]);
    expect(rowDate(rows[0].at).toISOString()).toBe('2026-11-27T20:00:00.000Z');
    await expect(query.all([false])).resolves.toEqual([]);
  });

  it('runs an UPDATE and answers how many rows it changed', async () => {
    const update = new PreparedQuery<never>(dataSource, 'flip', {
      postgres: '',
      sqlite: 'UPDATE t SET flag = ? WHERE id = ?',
    });
    await expect(update.run([false, 'a'])).resolves.toBe(1);
    await expect(update.run([false, 'nobody'])).resolves.toBe(0);
    await expect(dataSource.query('SELECT flag FROM t')).resolves.toEqual([{ flag: 0 }]);
  });

  describe('runBatch on SQLite, whose one connection TypeORM shares', () => {
    const flags = () => dataSource.query<{ id: string; flag: number }[]>('SELECT id, flag FROM t');
    const batch = () =>
      new PreparedQuery<never>(dataSource, 'flags', {
        postgres: '',
        sqlite: 'UPDATE t SET flag = ? WHERE id = ?',
      });

    it('writes every row in one transaction, after a transaction open on the connection ends', async () => {
      const runner = dataSource.createQueryRunner();
      await runner.startTransaction();
      await runner.query(`UPDATE t SET flag = 0 WHERE id = 'a'`);
      const written = batch().runBatch([
        [true, 'a'],
        [true, 'nobody'],
      ]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // Rolled back: had the batch joined this transaction, its write would go with it.
      await runner.rollbackTransaction();
      await runner.release();
      await expect(written).resolves.toBe(1);
      await expect(flags()).resolves.toEqual([{ id: 'a', flag: 1 }]);
    });

    it('gives up, writing nothing, when a transaction stays open', async () => {
      const runner = dataSource.createQueryRunner();
      await runner.startTransaction();
      try {
        await expect(batch().runBatch([[false, 'a']])).rejects.toThrow(/stayed open/);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
      await expect(flags()).resolves.toEqual([{ id: 'a', flag: 1 }]);
    });
  });
});
