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

  it('builds the new table aside, copies, drops the old and renames, the referencing rows kept around it', () => {
    const steps = rebuildSqliteTable(rebuild);
    expect(steps.filter((step) => typeof step === 'string')).toEqual([
      'DROP INDEX "parents_name_unique"',
      parents.replace('"parents"', '"temporary_parents"'),
      'INSERT INTO "temporary_parents"("id", "name") SELECT "id", "name" FROM "parents"',
      'DROP TABLE "parents"',
      'ALTER TABLE "temporary_parents" RENAME TO "parents"',
      nameIndex,
    ]);
    expect(typeof steps[0]).toBe('function');
    expect(typeof steps[steps.length - 1]).toBe('function');
  });

  it('refuses a statement it cannot name the table or index of', () => {
    expect(() => rebuildSqliteTable({ ...rebuild, create: 'CREATE TABLE parents (id)' })).toThrow(
      /Not a statement rebuildSqliteTable takes: CREATE TABLE parents/,
    );
    expect(() => rebuildSqliteTable({ ...rebuild, indexes: ['DROP INDEX "x"'] })).toThrow(
      /DROP INDEX "x"/,
    );
  });

  /*
   * Rows that reference the rebuilt table, directly or through another table, by each kind of
   * foreign key: dropping the old table with foreign keys on would delete them (CASCADE), empty
   * a column (SET NULL) or fail (NO ACTION).
   */
  const family = [
    `CREATE TABLE "parents" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar(20) NOT NULL)`,
    nameIndex,
    `CREATE TABLE "children" ("id" varchar PRIMARY KEY NOT NULL, "parent_id" varchar NOT NULL, "elder_id" varchar, CONSTRAINT "FK_children_parent" FOREIGN KEY ("parent_id") REFERENCES "parents" ("id") ON DELETE CASCADE, CONSTRAINT "FK_children_elder" FOREIGN KEY ("elder_id") REFERENCES "children" ("id") ON DELETE CASCADE)`,
    `CREATE TABLE "grandchildren" ("id" varchar PRIMARY KEY NOT NULL, "child_id" varchar NOT NULL, CONSTRAINT "FK_grandchildren_child" FOREIGN KEY ("child_id") REFERENCES "children" ("id"))`,
    `CREATE TABLE "notes" ("id" varchar PRIMARY KEY NOT NULL, "parent_id" varchar NOT NULL, CONSTRAINT "FK_notes_parent" FOREIGN KEY ("parent_id") REFERENCES "parents" ("id"))`,
    `CREATE TABLE "links" ("id" varchar PRIMARY KEY NOT NULL, "parent_id" varchar, CONSTRAINT "FK_links_parent" FOREIGN KEY ("parent_id") REFERENCES "parents" ("id") ON DELETE SET NULL)`,
    `CREATE TABLE "others" ("id" varchar PRIMARY KEY NOT NULL)`,
    `INSERT INTO "parents" VALUES ('p1', 'one'), ('p2', 'two')`,
    `INSERT INTO "children" VALUES ('c1', 'p1', NULL), ('c2', 'p2', NULL), ('c3', 'p1', 'c1')`,
    `INSERT INTO "grandchildren" VALUES ('g1', 'c1'), ('g2', 'c3')`,
    `INSERT INTO "notes" VALUES ('n1', 'p2')`,
    `INSERT INTO "links" VALUES ('l1', 'p1')`,
    `INSERT INTO "others" VALUES ('o1')`,
  ];
  const familyRows = {
    children: [
      { id: 'c1', parent_id: 'p1', elder_id: null },
      { id: 'c2', parent_id: 'p2', elder_id: null },
      { id: 'c3', parent_id: 'p1', elder_id: 'c1' },
    ],
    grandchildren: [
      { id: 'g1', child_id: 'c1' },
      { id: 'g2', child_id: 'c3' },
    ],
    notes: [{ id: 'n1', parent_id: 'p2' }],
    links: [{ id: 'l1', parent_id: 'p1' }],
    others: [{ id: 'o1' }],
  };

  describe('applied and reverted as migrations on SQLite, as the app and TypeORM run them (a transaction each)', () => {
    let dataSource: DataSource;

    class CreateFamily1000000000001 implements MigrationInterface {
      name = 'CreateFamily1000000000001';
      up = statements(...family);
      down = statements();
    }

    const before = `
            CREATE TABLE "parents" (
                "id" varchar PRIMARY KEY NOT NULL,
                "name" varchar(20) NOT NULL
            )
        `;

    class AddKind1000000000002 implements MigrationInterface {
      name = 'AddKind1000000000002';
      up = statements(...rebuildSqliteTable(rebuild));
      down = statements(...rebuildSqliteTable({ ...rebuild, create: before }));
    }

    beforeAll(async () => {
      dataSource = new DataSource({
        type: 'better-sqlite3',
        database: ':memory:',
        migrations: [CreateFamily1000000000001, AddKind1000000000002],
      });
      await dataSource.initialize();
    });

    afterAll(() => dataSource.destroy());

    const schema = async (name: string) => {
      const rows = await dataSource.query<{ sql: string }[]>(
        `SELECT sql FROM sqlite_master WHERE name = ?`,
        [name],
      );
      return rows[0]?.sql;
    };

    /** The rows that reference the parents, and their foreign keys, as they were. */
    const expectReferencingRowsKept = async () => {
      for (const [table, rows] of Object.entries(familyRows)) {
        await expect(dataSource.query(`SELECT * FROM "${table}" ORDER BY "id"`)).resolves.toEqual(
          rows,
        );
      }
      for (const table of ['children', 'notes', 'links']) {
        await expect(schema(table)).resolves.toContain('REFERENCES "parents" ("id")');
      }
      await expect(dataSource.query('PRAGMA foreign_key_check')).resolves.toEqual([]);
      await expect(
        dataSource.query(`SELECT name FROM temp.sqlite_master UNION SELECT name FROM sqlite_master
          WHERE name LIKE 'temporary%'`),
      ).resolves.toEqual([]);
    };

    it('applied (foreign keys off), leaves the table and its index as their statements say, word for word', async () => {
      await dataSource.runMigrations({ transaction: 'each' });
      // SQLite keeps a CREATE TABLE from its first word to its closing parenthesis, and a CREATE
      // INDEX to the statement's last character.
      await expect(schema('parents')).resolves.toBe(parents.trim());
      await expect(schema('parents_name_unique')).resolves.toBe(nameIndex.trimStart());
      await expect(schema('temporary_parents')).resolves.toBeUndefined();
    });

    it('applied, carries the rows over, the new column at its default', async () => {
      await expect(dataSource.query('SELECT * FROM "parents" ORDER BY "id"')).resolves.toEqual([
        { id: 'p1', name: 'one', kind: 'plain' },
        { id: 'p2', name: 'two', kind: 'plain' },
      ]);
    });

    it('applied, leaves the rows that reference the table, and their foreign keys, alone', async () => {
      await expectReferencingRowsKept();
    });

    it('reverted (foreign keys on), keeps every row and foreign key too', async () => {
      await dataSource.undoLastMigration({ transaction: 'each' });
      await expect(schema('parents')).resolves.toBe(before.trim());
      await expect(dataSource.query('SELECT * FROM "parents" ORDER BY "id"')).resolves.toEqual([
        { id: 'p1', name: 'one' },
        { id: 'p2', name: 'two' },
      ]);
      await expectReferencingRowsKept();
    });

    it('applied in a transaction with foreign keys on, keeps them as well', async () => {
      const runner = dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        await expect(runner.query('PRAGMA foreign_keys')).resolves.toEqual([{ foreign_keys: 1 }]);
        await new AddKind1000000000002().up(runner);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
      await expect(schema('parents')).resolves.toBe(parents.trim());
      await expectReferencingRowsKept();
    });
  });

  it('refuses to rebuild a table referenced by tables that reference each other', async () => {
    const dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
    }).initialize();
    try {
      const runner = dataSource.createQueryRunner();
      await statements(
        `CREATE TABLE "parents" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar(20) NOT NULL)`,
        `CREATE TABLE "a" ("id" varchar PRIMARY KEY, "parent_id" varchar REFERENCES "parents" ("id"), "b_id" varchar REFERENCES "b" ("id"))`,
        `CREATE TABLE "b" ("id" varchar PRIMARY KEY, "a_id" varchar REFERENCES "a" ("id"))`,
      )(runner);
      await expect(statements(...rebuildSqliteTable(rebuild))(runner)).rejects.toThrow(
        'The tables a, b reference each other: rebuilding "parents" cannot keep their rows',
      );
    } finally {
      await dataSource.destroy();
    }
  });
});
