import { randomUUID } from 'node:crypto';
import { PERMISSIONS } from '../src/modules/auth';
import { expectStatus } from './support/http';
import { UUID } from './support/spec-helpers';
import { IssuedToken, TestApp } from './support/test-app';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** GET /api/users/service/{userId}/personal-access-tokens/{patId}: the endpoint documented word for word. */
describe('GET /api/users/service/{userId}/personal-access-tokens/{patId}', () => {
  let t: TestApp;
  let serviceUser: { id: string; email: string };
  let project: { id: string; key: string; name: string };
  let issued: IssuedToken & { body: Record<string, unknown> };
  const path = (userId: string, patId: string) =>
    `/api/users/service/${userId}/personal-access-tokens/${patId}`;

  beforeAll(async () => {
    t = await TestApp.start();
    project = await t.createProject('Pricing rules', 'pricing-rules', { protected: true });
    serviceUser = await t.createServiceUser('deploy-bot@example.com');
    issued = await t.createServiceUserToken(serviceUser.id, {
      note: 'Deploy pipeline',
      permissions: ['releases:deploy', 'documents'],
      allProjects: false,
      projects: [project.id],
      expiry: 'week',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should answer the documented shape, field by field', async () => {
    const response = await t.as(t.owner.token).get(path(serviceUser.id, issued.tokenId));
    expectStatus(response, 200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.body as Record<string, unknown>;

    expect(body.id).toBe(issued.tokenId);
    expect(body.id).toMatch(UUID);
    expect(body.note).toBe('Deploy pipeline');
    expect(body.permissions).toEqual(['releases:deploy', 'documents']);
    expect(body.allProjects).toBe(false);
    expect(body.createdAt).toMatch(ISO);
    expect(body.updatedAt).toMatch(ISO);
    expect(body.expiresAt).toMatch(ISO);
    const week = Date.parse(body.expiresAt as string) - Date.parse(body.createdAt as string);
    expect(week).toBe(7 * 24 * 60 * 60 * 1000);

    expect(body.projects).toEqual([
      {
        id: project.id,
        name: 'Pricing rules',
        organisationId: expect.stringMatching(UUID),
        version: 'v1',
        createdAt: expect.stringMatching(ISO),
        updatedAt: expect.stringMatching(ISO),
        key: 'pricing-rules',
        protected: true,
      },
    ]);
    expect(body.user).toEqual({
      id: serviceUser.id,
      email: 'deploy-bot@example.com',
      type: 'member',
      status: 'active',
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
      firstName: null,
      lastName: null,
      isService: true,
    });
  });

  it('should never answer the secret or its hash', async () => {
    const response = await t.as(t.owner.token).get(path(serviceUser.id, issued.tokenId));
    expectStatus(response, 200);
    expect(response.body).not.toHaveProperty('token');
    expect(response.body).not.toHaveProperty('secretHash');
    expect(response.text).not.toContain(issued.token);
    expect(response.text).not.toContain(issued.token.slice(5, 40));
  });

  it('should answer expiresAt null and no projects for an indefinite all-projects token', async () => {
    const indefinite = await t.createServiceUserToken(serviceUser.id, {
      permissions: [...PERMISSIONS],
      allProjects: true,
      projects: [project.id],
      expiry: 'indefinite',
    });
    const response = await t.as(t.owner.token).get(path(serviceUser.id, indefinite.tokenId));
    expectStatus(response, 200);
    expect(response.body).toMatchObject({ expiresAt: null, allProjects: true, projects: [] });
    expect(response.body.permissions).toEqual([...PERMISSIONS]);
  });

  it('should accept upper-case ids as the same resource', async () => {
    const response = await t
      .as(t.owner.token)
      .get(path(serviceUser.id.toUpperCase(), issued.tokenId.toUpperCase()));
    expectStatus(response, 200);
    expect(response.body.id).toBe(issued.tokenId);
  });

  describe('400: path parameters that are not UUIDs', () => {
    it.each([
      ['userId', 'not-a-uuid', randomUUID()],
      ['patId', randomUUID(), '123'],
    ])('should name %s', async (field, userId, patId) => {
      const response = await t.as(t.owner.token).get(path(userId, patId));
      expectStatus(response, 400);
      expect(JSON.stringify(response.body.message)).toContain(field);
    });
  });

  describe('401', () => {
    it('should refuse a request without a token, with WWW-Authenticate', async () => {
      const response = await t.http().get(path(serviceUser.id, issued.tokenId));
      expectStatus(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it.each([
      ['an unknown well-formed token', 'opat_0000000000000000000000000000000000000000000000000'],
      ['a malformed token', 'not-a-token'],
      [
        'a token with a broken checksum',
        () => `${issued.token.slice(0, -1)}${issued.token.endsWith('a') ? 'b' : 'a'}`,
      ],
      ['a token in the wrong scheme', null],
    ])('should refuse %s', async (_name, value) => {
      const secret = typeof value === 'function' ? value() : value;
      const request = t.http().get(path(serviceUser.id, issued.tokenId));
      const response = await (secret === null
        ? request.set('Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`)
        : request.set('Authorization', `Bearer ${secret}`));
      expectStatus(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('should refuse an expired token', async () => {
      const admin = await t.createPerson('expiring-admin@example.com', 'admin');
      await t.database.query(
        t.kind === 'postgres'
          ? "UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1"
          : "UPDATE personal_access_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-1 second') WHERE id = ?",
        [admin.tokenId],
      );
      // The principal cache holds an entry for at most a second; this token was never used.
      const response = await t.as(admin.token).get(path(serviceUser.id, issued.tokenId));
      expectStatus(response, 401);
    });

    it('should refuse a deleted token at once', async () => {
      const admin = await t.createPerson('deleted-admin@example.com', 'admin');
      expectStatus(await t.as(admin.token).get(path(serviceUser.id, issued.tokenId)), 200);
      expectStatus(await t.as(t.owner.token).get('/api/profile'), 200);
      const deleted = await t
        .as(admin.token)
        .delete(`/api/personal-access-tokens/${admin.tokenId}`);
      expectStatus(deleted, 200);
      expectStatus(await t.as(admin.token).get(path(serviceUser.id, issued.tokenId)), 401);
    });
  });

  describe('403', () => {
    it("should refuse the service user's own narrow token", async () => {
      expectStatus(await t.as(issued.token).get(path(serviceUser.id, issued.tokenId)), 403);
    });

    it('should refuse an admin calling with a narrow token', async () => {
      const narrow = await t.createPerson('narrow-admin@example.com', 'admin', {
        permissions: ['releases:deploy'],
        allProjects: true,
      });
      expectStatus(await t.as(narrow.token).get(path(serviceUser.id, issued.tokenId)), 403);
    });

    it('should refuse a member with an owner token', async () => {
      const member = await t.createPerson('member@example.com', 'member', {
        permissions: ['owner'],
        allProjects: true,
      });
      expectStatus(await t.as(member.token).get(path(serviceUser.id, issued.tokenId)), 403);
    });
  });

  describe("404: never reveal another user's token", () => {
    it("should answer 404 for a person's id on the service path", async () => {
      const response = await t.as(t.owner.token).get(path(t.owner.userId, t.owner.tokenId));
      expectStatus(response, 404);
    });

    it('should answer 404 for an unknown user', async () => {
      expectStatus(await t.as(t.owner.token).get(path(randomUUID(), issued.tokenId)), 404);
    });

    it('should answer 404 for an unknown token', async () => {
      expectStatus(await t.as(t.owner.token).get(path(serviceUser.id, randomUUID())), 404);
    });

    it("should answer 404 for another service user's token", async () => {
      const other = await t.createServiceUser('other-bot@example.com');
      const response = await t.as(t.owner.token).get(path(other.id, issued.tokenId));
      expectStatus(response, 404);
      expect(response.text).not.toContain('Deploy pipeline');
    });
  });
});
