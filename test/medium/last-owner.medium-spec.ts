import { ConflictException, INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UsersService } from '../../src/modules/users/users.service';
import { newOwner, startMediumApp } from './medium-app';

const TRIALS = 10;

/** Two owners who each try to stop the other being one, at the same instant. */
describe('the last active owner (the service on a real database, no HTTP)', () => {
  let app: INestApplication;
  let users: UsersService;

  beforeAll(async () => {
    app = await startMediumApp();
    users = app.get(UsersService);
  });

  afterAll(() => app.close());

  /** Each trial in an organisation of its own with exactly two active owners. */
  async function twoOwners() {
    const [first, second] = [await newOwner(app), await newOwner(app)];
    const database = app.get(DataSource);
    // The default organisation also holds earlier trials' owners: move these two to a fresh one.
    const organisationId = await freshOrganisation(database);
    await database
      .createQueryBuilder()
      .update('users')
      .set({ organisationId })
      .where('id IN (:...ids)', { ids: [first.user.id, second.user.id] })
      .execute();
    const actor = (owner: typeof first) => ({
      userId: owner.user.id,
      tokenId: owner.token.id,
      ip: null,
      type: owner.user.type,
      organisationId,
    });
    return { first, second, organisationId, actor };
  }

  async function activeOwners(organisationId: string): Promise<number> {
    const rows: unknown[] = await app
      .get(DataSource)
      .createQueryBuilder()
      .select('id')
      .from('users', 'u')
      .where('u.organisation_id = :organisationId', { organisationId })
      .andWhere("u.type = 'owner' AND u.status = 'active'")
      .getRawMany();
    return rows.length;
  }

  it(`keeps one when two owners demote each other at once (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const { first, second, organisationId, actor } = await twoOwners();
      const outcomes = await Promise.allSettled([
        users.update(actor(first), second.user.id, { type: 'admin' }),
        users.update(actor(second), first.user.id, { type: 'admin' }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const refused: unknown = outcomes.find((outcome) => outcome.status === 'rejected')?.reason;
      expect(refused).toBeInstanceOf(ConflictException);
      expect(await activeOwners(organisationId)).toBe(1);
    }
  });

  it(`keeps one when two owners delete each other at once (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const { first, second, organisationId, actor } = await twoOwners();
      const outcomes = await Promise.allSettled([
        users.remove(actor(first), second.user.id),
        users.remove(actor(second), first.user.id),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      expect(await activeOwners(organisationId)).toBe(1);
    }
  });

  it(`keeps one when one owner disables the other while being demoted (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const { first, second, organisationId, actor } = await twoOwners();
      await Promise.allSettled([
        users.update(actor(first), second.user.id, { status: 'disabled' }),
        users.update(actor(second), first.user.id, { type: 'member' }),
      ]);
      expect(await activeOwners(organisationId)).toBe(1);
    }
  });
});

async function freshOrganisation(database: DataSource): Promise<string> {
  const [organisation] = await database.query<Record<string, unknown>[]>(
    'SELECT * FROM organisations LIMIT 1',
  );
  const id = crypto.randomUUID();
  const columns = Object.keys(organisation);
  const values = columns.map((column) =>
    column === 'id' ? id : column === 'name' ? `Race ${id}` : organisation[column],
  );
  const placeholders = columns.map((_, index) =>
    database.options.type === 'postgres' ? `$${index + 1}` : '?',
  );
  await database.query(
    `INSERT INTO organisations (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${placeholders.join(', ')})`,
    values,
  );
  return id;
}
