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
});
