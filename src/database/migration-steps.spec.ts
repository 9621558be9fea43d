import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { rebuildSqliteTable, statements } from './migration-steps';

const parents = `
            CREATE TABLE "parents" (
                "id" varchar PRIMARY KEY NOT NULL,
                "name" varchar(20) NOT NULL,
                "kind" varchar(8) NOT NULL DEFAULT ('plain')
            )
        `;
const nameIndex = `
            CREATE UNIQUE INDEX "parents_name_unique" ON "parents" ("name")
        `;

describe('statements', () => {
  it('runs its statements in order, on the runner it is given', async () => {
    const ran: string[] = [];
    const runner = { query: (sql: string) => Promise.resolve(ran.push(sql)) };
    await statements('A', 'B', 'C')(runner as unknown as QueryRunner);
    expect(ran).toEqual(['A', 'B', 'C']);
  });
});

describe('rebuildSqliteTable', () => {
  const rebuild = { create: parents, columns: ['id', 'name'], indexes: [nameIndex] };

  it('builds the new table aside, copies, drops the old and renames, as TypeORM writes an up', () => {
    expect(rebuildSqliteTable(rebuild)).toEqual([
      'DROP INDEX "parents_name_unique"',
      parents.replace('"parents"', '"temporary_parents"'),
      'INSERT INTO "temporary_parents"("id", "name") SELECT "id", "name" FROM "parents"',
      'DROP TABLE "parents"',
      'ALTER TABLE "temporary_parents" RENAME TO "parents"',
      nameIndex,
    ]);
  });

  it('with renameFirst, moves the old table aside first, as TypeORM writes a down', () => {
    expect(rebuildSqliteTable({ ...rebuild, renameFirst: true })).toEqual([
      'DROP INDEX "parents_name_unique"',
      'ALTER TABLE "parents" RENAME TO "temporary_parents"',
      parents,
      'INSERT INTO "parents"("id", "name") SELECT "id", "name" FROM "temporary_parents"',
      'DROP TABLE "temporary_parents"',
      nameIndex,
    ]);
  });

  it('refuses a statement it cannot name the table or index of', () => {
    expect(() => rebuildSqliteTable({ ...rebuild, create: 'CREATE TABLE parents (id)' })).toThrow(
      /Not a statement rebuildSqliteTable takes: CREATE TABLE parents/,
    );
    expect(() => rebuildSqliteTable({ ...rebuild, indexes: ['DROP INDEX "x"'] })).toThrow(
      /DROP INDEX "x"/,
    );
  });

  describe('applied as a migration on SQLite, as the app applies them (a transaction each)', () => {
    let dataSource: DataSource;

    class CreateParents1000000000001 implements MigrationInterface {
      name = 'CreateParents1000000000001';
      up = statements(
        `CREATE TABLE "parents" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar(20) NOT NULL)`,
        nameIndex,
        `CREATE TABLE "children" ("id" varchar PRIMARY KEY NOT NULL, "parent_id" varchar NOT NULL, CONSTRAINT "FK_children_parent" FOREIGN KEY ("parent_id") REFERENCES "parents" ("id") ON DELETE CASCADE)`,
        `INSERT INTO "parents" VALUES ('p1', 'one'), ('p2', 'two')`,
        `INSERT INTO "children" VALUES ('c1', 'p1'), ('c2', 'p2')`,
      );
      down = statements();
    }

    class AddKind1000000000002 implements MigrationInterface {
      name = 'AddKind1000000000002';
      up = statements(...rebuildSqliteTable(rebuild));
      down = statements();
    }

    beforeAll(async () => {
      dataSource = new DataSource({
        type: 'better-sqlite3',
        database: ':memory:',
        migrations: [CreateParents1000000000001, AddKind1000000000002],
      });
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
    });

    afterAll(() => dataSource.destroy());

    const schema = async (name: string) => {
      const rows = await dataSource.query<{ sql: string }[]>(
        `SELECT sql FROM sqlite_master WHERE name = ?`,
        [name],
      );
      return rows[0]?.sql;
    };

    it('leaves the table and its index as their statements say, word for word', async () => {
      // SQLite keeps a CREATE TABLE from its first word to its closing parenthesis, and a CREATE
      // INDEX to the statement's last character.
      await expect(schema('parents')).resolves.toBe(parents.trim());
      await expect(schema('parents_name_unique')).resolves.toBe(nameIndex.trimStart());
      await expect(schema('temporary_parents')).resolves.toBeUndefined();
    });

    it('carries the rows over, the new column at its default', async () => {
      await expect(dataSource.query('SELECT * FROM "parents" ORDER BY "id"')).resolves.toEqual([
        { id: 'p1', name: 'one', kind: 'plain' },
        { id: 'p2', name: 'two', kind: 'plain' },
      ]);
    });

    it('leaves the rows that reference the table, and their foreign key, alone', async () => {
      await expect(dataSource.query('SELECT * FROM "children" ORDER BY "id"')).resolves.toEqual([
        { id: 'c1', parent_id: 'p1' },
        { id: 'c2', parent_id: 'p2' },
      ]);
      await expect(schema('children')).resolves.toContain('REFERENCES "parents" ("id")');
      await expect(dataSource.query('PRAGMA foreign_key_check')).resolves.toEqual([]);
    });
  });
});
