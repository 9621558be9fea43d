import { DomainEvent } from '../src/common/events/domain-event';
import { DomainEventPublisher } from '../src/common/events/domain-event-publisher';
import { expectStatus } from './support/http';
import { TestApp } from './support/test-app';

/** A change and what records it (audit entry, outbox row) commit together or not at all. */
describe('Domain events are recorded in the change’s own transaction', () => {
  let t: TestApp;
  let failing = false;
  const recorded: string[] = [];

  beforeAll(async () => {
    t = await TestApp.start();
    t.app.get(DomainEventPublisher).addRecorder({
      record: (_manager, events: readonly DomainEvent[]) => {
        if (failing) {
          return Promise.reject(new Error('the recorder is down'));
        }
        recorded.push(...events.map((event) => event.name));
        return Promise.resolve();
      },
    });
  });

  afterAll(() => t.close());

  afterEach(() => {
    failing = false;
  });

  it('should record a committed change with every recorder, the audit log included', async () => {
    const project = await t.createProject('Recorded', 'recorded');
    expect(recorded).toContain('project.created');
    const audit = await t.as(t.owner.token).get(`/api/audit-log?targetId=${project.id}`);
    expectStatus(audit, 200);
    expect((audit.body as { results: { action: string }[] }).results).toEqual([
      expect.objectContaining({ action: 'project.created' }),
    ]);
  });

  it('should make no change when its event cannot be recorded', async () => {
    failing = true;
    const created = await t
      .as(t.owner.token)
      .post('/api/projects')
      .send({ name: 'Unrecorded', key: 'unrecorded' });
    expectStatus(created, 500);
    failing = false;
    const list = await t.as(t.owner.token).get('/api/projects?search=unrecorded');
    expectStatus(list, 200);
    expect((list.body as { results: unknown[] }).results).toEqual([]);
  });

  it('should keep a token working when its deletion cannot be recorded', async () => {
    const bot = await t.createServiceUser('unrecorded-bot@example.com');
    const issued = await t.createServiceUserToken(bot.id);
    failing = true;
    const deleted = await t
      .as(t.owner.token)
      .delete(`/api/users/service/${bot.id}/personal-access-tokens/${issued.tokenId}`);
    expectStatus(deleted, 500);
    failing = false;
    expectStatus(await t.as(issued.token).get('/api/profile'), 200);
  });

  it('should keep a user active when disabling them cannot be recorded', async () => {
    const bot = await t.createServiceUser('still-active-bot@example.com');
    failing = true;
    expectStatus(
      await t.as(t.owner.token).put(`/api/users/${bot.id}`).send({ status: 'disabled' }),
      500,
    );
    failing = false;
    const user = await t.as(t.owner.token).get(`/api/users/${bot.id}`);
    expect((user.body as { status: string }).status).toBe('active');
  });

  describe('when the audit log itself refuses the entry (the database rejects its insert)', () => {
    const refusal = 'the audit log refuses this entry';
    const sql = (text: string) => (t.kind === 'postgres' ? text : text.replace(/\$\d+/g, '?'));

    /** Runs `work` while every insert into the audit log fails. */
    async function whileAuditRefuses<T>(work: () => Promise<T>): Promise<T> {
      if (t.kind === 'postgres') {
        await t.database.query(
          `CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '${refusal}'; END $$ LANGUAGE plpgsql`,
        );
        await t.database.query(
          'CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log_entries FOR EACH ROW EXECUTE FUNCTION refuse_audit()',
        );
      } else {
        await t.database.query(
          `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log_entries BEGIN SELECT RAISE(ABORT, '${refusal}'); END`,
        );
      }
      try {
        return await work();
      } finally {
        await t.database.query(
          t.kind === 'postgres'
            ? 'DROP TRIGGER refuse_audit ON audit_log_entries'
            : 'DROP TRIGGER refuse_audit',
        );
      }
    }

    it('should fail a promotion to admin and leave the user a member', async () => {
      const person = await t.createPerson('promoted-unaudited@example.com', 'member');
      const promoted = await whileAuditRefuses(() =>
        t.as(t.owner.token).put(`/api/users/${person.userId}`).send({ type: 'admin' }),
      );
      expectStatus(promoted, 500);
      expect(promoted.text).not.toContain(refusal);
      const [row] = await t.database.query<{ type: string }[]>(
        sql('SELECT type FROM users WHERE id = $1'),
        [person.userId],
      );
      expect(row.type).toBe('member');
    });

    it('should fail a token creation and leave no token behind', async () => {
      const bot = await t.createServiceUser('unaudited-token-bot@example.com');
      const created = await whileAuditRefuses(() =>
        t
          .as(t.owner.token)
          .post(`/api/users/service/${bot.id}/personal-access-tokens`)
          .send({ note: 'unaudited', permissions: ['owner'], allProjects: true, expiry: 'week' }),
      );
      expectStatus(created, 500);
      const rows = await t.database.query<unknown[]>(
        sql('SELECT id FROM personal_access_tokens WHERE user_id = $1'),
        [bot.id],
      );
      expect(rows).toEqual([]);
    });
  });
});
