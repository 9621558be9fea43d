import { randomUUID } from 'node:crypto';
import { createApp } from '../../src/app.factory';
import { ConfigValidationError } from '../../src/config/environment';
import { expectStatus } from '../../test/support/http';
import { expectBadRequestNaming, uniqueEmail } from '../../test/support/spec-helpers';
import { TestApp } from '../../test/support/test-app';
import { AnnouncementsModule } from './announcements.module';
import { Announcement } from './entities/announcement.entity';

/** The module added to the app as docs/EXTENDING.md says: its folder, and one line. */
const withAnnouncements = { imports: [AnnouncementsModule], moduleFolders: [__dirname] };
const LIMIT = 3;

interface AnnouncementBody {
  id: string;
  title: string;
  body: string;
  authorId: string;
  createdAt: string;
}

describe('Announcements (the example module)', () => {
  let t: TestApp;
  let member: string;
  let first: AnnouncementBody;
  let second: AnnouncementBody;

  const publish = (token: string, body: Record<string, unknown>) =>
    t.as(token).post('/api/announcements').send(body);

  beforeAll(async () => {
    process.env.ANNOUNCEMENTS_PER_ORGANISATION = String(LIMIT);
    t = await TestApp.start(withAnnouncements);
    member = (await t.createPerson(uniqueEmail('reader'), 'member', { permissions: ['documents'] }))
      .token;
    const answers = [];
    for (const title of ['First', 'Second']) {
      const response = await publish(t.owner.token, { title, body: `${title} news` });
      expectStatus(response, 201);
      answers.push(response.body as AnnouncementBody);
    }
    [first, second] = answers;
  });

  afterAll(async () => {
    delete process.env.ANNOUNCEMENTS_PER_ORGANISATION;
    await t.close();
  });

  it('should answer what was published, by whom and when', () => {
    expect(first).toEqual({
      id: expect.any(String),
      title: 'First',
      body: 'First news',
      authorId: t.owner.userId,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
  });

  it("should let any valid token list the organisation's announcements, newest first", async () => {
    const response = await t.as(member).get('/api/announcements');
    expectStatus(response, 200);
    expect(response.body.results).toEqual([second, first]);
    expect(response.body.paginate).toEqual({ current: 1, from: 1, to: 2, total: 2, pageSize: 20 });
  });

  it('should let any valid token read one announcement', async () => {
    const response = await t.as(member).get(`/api/announcements/${first.id}`);
    expectStatus(response, 200);
    expect(response.body).toEqual(first);
  });

  it('should let only an admin publish', async () => {
    expectStatus(await publish(member, { title: 'No', body: 'Not an admin' }), 403);
    expectStatus(await t.http().post('/api/announcements').send({ title: 'No', body: 'x' }), 401);
    expectStatus(await t.http().get('/api/announcements'), 401);
  });

  it('should refuse bad input, naming the field', async () => {
    expectBadRequestNaming(await publish(t.owner.token, { title: '', body: 'x' }), 'title');
    expectBadRequestNaming(await publish(t.owner.token, { title: 'x' }), 'body');
    expectBadRequestNaming(
      await publish(t.owner.token, { title: 'x', body: 'y', pinned: true }),
      'pinned',
    );
    expectBadRequestNaming(
      await t.as(member).get('/api/announcements/not-a-uuid'),
      'announcementId',
    );
    expectBadRequestNaming(await t.as(member).get('/api/announcements?perPage=0'), 'perPage');
  });

  it("should never answer another organisation's announcement", async () => {
    const announcements = t.database.getRepository(Announcement);
    const theirs = await announcements.save(
      announcements.create({
        organisationId: randomUUID(),
        title: 'Theirs',
        body: 'Not for this organisation',
        authorId: randomUUID(),
      }),
    );
    expectStatus(await t.as(t.owner.token).get(`/api/announcements/${theirs.id}`), 404);
    const listed = await t.as(t.owner.token).get('/api/announcements');
    expect((listed.body.results as AnnouncementBody[]).map(({ id }) => id)).not.toContain(
      theirs.id,
    );
  });

  it('should record each publication in the audit log as announcement.published', async () => {
    const response = await t.as(t.owner.token).get(`/api/audit-log?targetId=${first.id}`);
    expectStatus(response, 200);
    expect(response.body.results).toEqual([
      expect.objectContaining({
        action: 'announcement.published',
        actorId: t.owner.userId,
        targetType: 'announcement',
        details: { title: 'First' },
      }),
    ]);
  });

  it('should refuse to publish more than ANNOUNCEMENTS_PER_ORGANISATION, with 409', async () => {
    expectStatus(await publish(t.owner.token, { title: 'Third', body: 'The last one' }), 201);
    const refused = await publish(t.owner.token, { title: 'Fourth', body: 'One too many' });
    expectStatus(refused, 409);
    expect(refused.body.message).toBe(`An organisation keeps at most ${LIMIT} announcements`);
  });

  it('should stop the app at start-up, in one line, on a bad ANNOUNCEMENTS_PER_ORGANISATION', async () => {
    process.env.ANNOUNCEMENTS_PER_ORGANISATION = '0';
    try {
      await expect(createApp(withAnnouncements)).rejects.toEqual(
        new ConfigValidationError(
          'Invalid configuration: ANNOUNCEMENTS_PER_ORGANISATION must be an integer between 1 and 10000 (got "0")',
        ),
      );
    } finally {
      process.env.ANNOUNCEMENTS_PER_ORGANISATION = String(LIMIT);
    }
  });
});
