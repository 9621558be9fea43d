import { randomUUID } from 'node:crypto';
import {
  databaseDump,
  DAY_MS,
  expectBadRequestNaming,
  ISO,
  messagesOf,
  query,
  SECRET,
  TokenBody,
  uniqueEmail,
  USER_FIELDS,
  UserBody,
} from './support/spec-helpers';
import { expectStatus } from './support/http';
import { TestApp } from './support/test-app';

/*
 * People joining and leaving over HTTP: POST /api/users (an invitation), POST
 * /api/invitations/accept (no token), DELETE /api/users/{userId}.
 */

const INVALID_CODE = 'code is not a valid invitation: unknown, already used or expired';

interface Invited {
  user: UserBody;
  invitation: { code: string; expiresAt: string };
}

const FIRST_TOKEN = {
  note: 'My first token',
  permissions: ['documents'],
  allProjects: true,
  projects: [],
  expiry: 'month',
};

describe('People: invitations and removal', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t.close();
  });

  const asOwner = () => t.as(t.owner.token);
  const invite = async (body: Record<string, unknown>): Promise<Invited> => {
    const response = await asOwner().post('/api/users').send(body);
    expectStatus(response, 201);
    return response.body as Invited;
  };
  const accept = (body: Record<string, unknown>) =>
    t.http().post('/api/invitations/accept').send(body);
  const auditActions = async (targetId: string) =>
    (
      await query<{ action: string }>(
        t,
        'SELECT action FROM audit_log_entries WHERE target_id = ? ORDER BY created_at, action',
        [targetId],
      )
    ).map((row) => row.action);

  describe('POST /api/users', () => {
    it('should create an invited person and answer a one-time code valid 7 days', async () => {
      const email = uniqueEmail('Invited');
      const before = Date.now();

      const response = await asOwner()
        .post('/api/users')
        .send({ email: email.toUpperCase(), type: 'author', firstName: 'Ada' });

      expectStatus(response, 201);
      const body = response.body as Invited;
      expect(Object.keys(body).sort()).toEqual(['invitation', 'user']);
      expect(Object.keys(body.user).sort()).toEqual(USER_FIELDS);
      expect(body.user).toMatchObject({
        email: email.toLowerCase(),
        type: 'invited',
        status: 'active',
        firstName: 'Ada',
        lastName: null,
        isService: false,
      });
      expect(Object.keys(body.invitation).sort()).toEqual(['code', 'expiresAt']);
      expect(body.invitation.code).toMatch(/^oinv_[A-Za-z0-9_-]{43}$/);
      expect(body.invitation.expiresAt).toMatch(ISO);
      const expiresAt = Date.parse(body.invitation.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 7 * DAY_MS - 1000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7 * DAY_MS + 1000);
      expect(await auditActions(body.user.id)).toEqual(['invitation.created', 'user.created']);
    });

    it('should keep only a hash of the code', async () => {
      const { invitation } = await invite({ email: uniqueEmail('hashed'), type: 'member' });

      const dump = await databaseDump(t);

      expect(dump).not.toContain(invitation.code);
      expect(dump).not.toContain(invitation.code.slice(5));
    });

    it('should answer 409 for an email already in the organisation', async () => {
      const email = uniqueEmail('twice');
      await invite({ email, type: 'member' });

      const response = await asOwner().post('/api/users').send({ email, type: 'admin' });

      expectStatus(response, 409);
    });

    it.each([
      ['email', { type: 'member' }],
      ['email', { email: 'not an email', type: 'member' }],
      ['type', { email: 'x@example.com' }],
      ['type', { email: 'x@example.com', type: 'owner' }],
      ['type', { email: 'x@example.com', type: 'invited' }],
      ['firstName', { email: 'x@example.com', type: 'member', firstName: '' }],
      ['isService', { email: 'x@example.com', type: 'member', isService: true }],
    ])('should answer 400 naming %s for %j', async (field, body) => {
      expectBadRequestNaming(await asOwner().post('/api/users').send(body), field);
    });

    it('should not let an invited person authenticate before they accept', async () => {
      const { user } = await invite({ email: uniqueEmail('not-yet'), type: 'admin' });
      const tokens = await query(t, 'SELECT id FROM personal_access_tokens WHERE user_id = ?', [
        user.id,
      ]);

      expect(tokens).toEqual([]);
    });
  });

  describe('POST /api/invitations/accept', () => {
    it('should activate the person with the type asked for and answer their first token', async () => {
      const { user, invitation } = await invite({ email: uniqueEmail('joiner'), type: 'author' });

      const response = await accept({
        code: invitation.code,
        firstName: 'Grace',
        lastName: 'Hopper',
        token: FIRST_TOKEN,
      });

      expectStatus(response, 201);
      const body = response.body as { user: UserBody; token: TokenBody & { token: string } };
      expect(Object.keys(body).sort()).toEqual(['token', 'user']);
      expect(body.user).toMatchObject({
        id: user.id,
        type: 'author',
        status: 'active',
        firstName: 'Grace',
        lastName: 'Hopper',
      });
      expect(body.token.token).toMatch(SECRET);
      expect(body.token).toMatchObject({
        note: 'My first token',
        permissions: ['documents'],
        allProjects: true,
      });
      expect(body.token.user.id).toBe(user.id);
      const profile = await t.as(body.token.token).get('/api/profile');
      expectStatus(profile, 200);
      expect((profile.body as UserBody).type).toBe('author');
      expect(await auditActions(user.id)).toEqual(
        expect.arrayContaining(['invitation.accepted', 'user.updated']),
      );
    });

    it('should refuse a code used once already, with the one message', async () => {
      const { invitation } = await invite({ email: uniqueEmail('used'), type: 'member' });
      expectStatus(await accept({ code: invitation.code, token: FIRST_TOKEN }), 201);

      const again = await accept({ code: invitation.code, token: FIRST_TOKEN });

      expectStatus(again, 400);
      expect(messagesOf(again)).toEqual([INVALID_CODE]);
    });

    it('should refuse an expired code with the one message, and leave the person invited', async () => {
      const { user, invitation } = await invite({ email: uniqueEmail('late'), type: 'member' });
      const past = t.kind === 'postgres' ? new Date(Date.now() - 1000) : '2000-01-01 00:00:00.000';
      await query(t, 'UPDATE invitations SET expires_at = ? WHERE user_id = ?', [past, user.id]);

      const response = await accept({ code: invitation.code, token: FIRST_TOKEN });

      expectStatus(response, 400);
      expect(messagesOf(response)).toEqual([INVALID_CODE]);
      const stored = await asOwner().get(`/api/users/${user.id}`);
      expect((stored.body as UserBody).type).toBe('invited');
    });

    it.each([
      ['unknown', `oinv_${'A'.repeat(43)}`],
      ['malformed', 'not-a-code'],
    ])('should refuse an %s code with the one message', async (_kind, code) => {
      const response = await accept({ code, token: FIRST_TOKEN });

      expectStatus(response, 400);
      expect(messagesOf(response)).toEqual([INVALID_CODE]);
    });

    it('should refuse the code of a person an admin disabled meanwhile', async () => {
      const { user, invitation } = await invite({ email: uniqueEmail('disabled'), type: 'member' });
      expectStatus(await asOwner().put(`/api/users/${user.id}`).send({ status: 'disabled' }), 200);

      const response = await accept({ code: invitation.code, token: FIRST_TOKEN });

      expectStatus(response, 400);
      expect(messagesOf(response)).toEqual([INVALID_CODE]);
    });

    it.each([
      ['code', { token: FIRST_TOKEN }],
      ['token', { code: `oinv_${'B'.repeat(43)}` }],
      ['note', { code: `oinv_${'B'.repeat(43)}`, token: { ...FIRST_TOKEN, note: '' } }],
      ['expiry', { code: `oinv_${'B'.repeat(43)}`, token: { ...FIRST_TOKEN, expiry: 'forever' } }],
      [
        'permissions',
        { code: `oinv_${'B'.repeat(43)}`, token: { ...FIRST_TOKEN, permissions: [] } },
      ],
    ])('should answer 400 naming %s for a bad body', async (field, body) => {
      expectBadRequestNaming(await accept(body), field);
    });

    it('should not redeem a code twice when two requests race', async () => {
      const { invitation } = await invite({ email: uniqueEmail('race'), type: 'member' });

      const answers = await Promise.all(
        [1, 2, 3].map(() => accept({ code: invitation.code, token: FIRST_TOKEN })),
      );

      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 400, 400]);
    });

    it('should leave nothing changed when the first token is refused', async () => {
      const { user, invitation } = await invite({ email: uniqueEmail('atomic'), type: 'member' });

      const refused = await accept({
        code: invitation.code,
        token: { ...FIRST_TOKEN, allProjects: false, projects: [randomUUID()] },
      });
      expectBadRequestNaming(refused, 'projects');
      const retried = await accept({ code: invitation.code, token: FIRST_TOKEN });

      expectStatus(retried, 201);
      expect((retried.body as { user: UserBody }).user.id).toBe(user.id);
    });
  });

  describe('DELETE /api/users/{userId}', () => {
    it('should delete the user and their tokens, answer the user and audit it', async () => {
      const person = await t.createPerson(uniqueEmail('leaver'), 'member', {
        permissions: ['documents'],
      });
      expectStatus(await t.as(person.token).get('/api/profile'), 200);

      const response = await asOwner().delete(`/api/users/${person.userId}`);

      expectStatus(response, 200);
      expect(Object.keys(response.body as object).sort()).toEqual(USER_FIELDS);
      expect((response.body as UserBody).id).toBe(person.userId);
      expectStatus(await t.as(person.token).get('/api/profile'), 401);
      expectStatus(await asOwner().get(`/api/users/${person.userId}`), 404);
      expect(
        await query(t, 'SELECT id FROM personal_access_tokens WHERE user_id = ?', [person.userId]),
      ).toEqual([]);
      expect(await auditActions(person.userId)).toContain('user.deleted');
    });

    it('should refuse to delete oneself with 403', async () => {
      const response = await asOwner().delete(`/api/users/${t.owner.userId}`);

      expectStatus(response, 403);
      expectStatus(await asOwner().get(`/api/users/${t.owner.userId}`), 200);
    });

    it('should answer 404 for an unknown user and 400 for a malformed id', async () => {
      expectStatus(await asOwner().delete(`/api/users/${randomUUID()}`), 404);
      expectBadRequestNaming(await asOwner().delete('/api/users/not-a-uuid'), 'userId');
    });

    it('should let only an owner delete an owner', async () => {
      const owner = await t.createPerson(uniqueEmail('second-owner'), 'owner');
      const admin = await t.createPerson(uniqueEmail('plain-admin'), 'admin');

      expectStatus(await t.as(admin.token).delete(`/api/users/${owner.userId}`), 403);
      expectStatus(await asOwner().delete(`/api/users/${owner.userId}`), 200);
    });

    it('should never delete the last active owner, even when two owners delete each other at once', async () => {
      // A fresh organisation of two owners, on the same database.
      const a = await t.createPerson(uniqueEmail('owner-a'), 'owner');
      const b = await t.createPerson(uniqueEmail('owner-b'), 'owner');
      // Every other active owner steps aside, so that a and b are the only ones left.
      const others = await query<{ id: string }>(
        t,
        "SELECT id FROM users WHERE type = 'owner' AND status = 'active' AND id NOT IN (?, ?)",
        [a.userId, b.userId],
      );
      for (const { id } of others) {
        await query(t, "UPDATE users SET status = 'locked' WHERE id = ?", [id]);
      }
      try {
        const answers = await Promise.all([
          t.as(a.token).delete(`/api/users/${b.userId}`),
          t.as(b.token).delete(`/api/users/${a.userId}`),
        ]);

        const statuses = answers.map((answer) => answer.status).sort();
        // One wins; the other is refused: 409 (the last owner), or 401 (its caller was just deleted).
        expect(statuses[0]).toBe(200);
        expect([401, 409]).toContain(statuses[1]);
        const left = await query(
          t,
          "SELECT id FROM users WHERE type = 'owner' AND status = 'active' AND id IN (?, ?)",
          [a.userId, b.userId],
        );
        expect(left).toHaveLength(1);
      } finally {
        for (const { id } of others) {
          await query(t, "UPDATE users SET status = 'active' WHERE id = ?", [id]);
        }
      }
    });
  });

  it('should let a person be invited, join, get a token and be removed, all over HTTP', async () => {
    const invited = await invite({ email: uniqueEmail('journey'), type: 'member' });
    const joined = await accept({ code: invited.invitation.code, token: FIRST_TOKEN });
    expectStatus(joined, 201);
    const first = (joined.body as { token: { token: string } }).token.token;

    const second = await t
      .as(first)
      .post('/api/personal-access-tokens')
      .send({ ...FIRST_TOKEN, note: 'Second token', expiry: 'week' });
    expectStatus(second, 201);
    const secondSecret = (second.body as { token: string }).token;
    expectStatus(await t.as(secondSecret).get('/api/profile'), 200);

    expectStatus(await asOwner().delete(`/api/users/${invited.user.id}`), 200);

    expectStatus(await t.as(first).get('/api/profile'), 401);
    expectStatus(await t.as(secondSecret).get('/api/profile'), 401);
  });
});

describe('POST /api/invitations/accept, rate-limited per address', () => {
  let t: TestApp;

  beforeAll(async () => {
    process.env.INVITATION_ACCEPT_LIMIT_PER_HOUR = '3';
    t = await TestApp.start();
  });

  afterAll(async () => {
    delete process.env.INVITATION_ACCEPT_LIMIT_PER_HOUR;
    await t.close();
  });

  it('should answer 429 with Retry-After past the limit, even for a good code', async () => {
    const response = await t
      .as(t.owner.token)
      .post('/api/users')
      .send({
        email: uniqueEmail('limited'),
        type: 'member',
      });
    expectStatus(response, 201);
    const { code } = (response.body as Invited).invitation;
    for (let i = 0; i < 3; i++) {
      const guess = await t
        .http()
        .post('/api/invitations/accept')
        .send({ code: `oinv_${String(i).repeat(43)}`, token: FIRST_TOKEN });
      expectStatus(guess, 400);
    }

    const limited = await t
      .http()
      .post('/api/invitations/accept')
      .send({ code, token: FIRST_TOKEN });

    expectStatus(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
