import { randomUUID } from 'node:crypto';
import { AuditLogService } from '../src/modules/audit-log/audit-log.service';
import { expectStatus } from './support/http';
import { TestApp } from './support/test-app';

interface Entry {
  id: string;
  action: string;
  actorId: string | null;
  tokenId: string | null;
  targetType: string;
  targetId: string;
  ip: string | null;
  createdAt: string;
  details: Record<string, unknown>;
}

describe('GET /api/audit-log', () => {
  let t: TestApp;
  let serviceUserId: string;
  let tokenId: string;
  let secrets: string[];

  beforeAll(async () => {
    t = await TestApp.start();
    const project = await t.createProject('Audited', 'audited');
    serviceUserId = (await t.createServiceUser('audited-bot@example.com')).id;
    const created = await t.createServiceUserToken(serviceUserId, {
      note: 'audited token',
      permissions: ['releases'],
      allProjects: false,
      projects: [project.id],
    });
    tokenId = created.tokenId;
    const regenerated = await t
      .as(t.owner.token)
      .post(`/api/users/service/${serviceUserId}/personal-access-tokens/${tokenId}/regenerate`)
      .send({ expiry: 'week' });
    expectStatus(regenerated, 200);
    expectStatus(
      await t
        .as(t.owner.token)
        .delete(`/api/users/service/${serviceUserId}/personal-access-tokens/${tokenId}`),
      200,
    );
    secrets = [t.owner.token, created.token, regenerated.body.token as string];
  });

  afterAll(async () => {
    await t.close();
  });

  const list = (query = '') => t.as(t.owner.token).get(`/api/audit-log${query}`);

  it('should show who created, regenerated and deleted the token, from where and when', async () => {
    const response = await list(`?targetId=${tokenId}`);
    expectStatus(response, 200);
    const entries = response.body.results as Entry[];
    expect(entries.map((entry) => entry.action)).toEqual([
      'token.deleted',
      'token.regenerated',
      'token.created',
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        actorId: t.owner.userId,
        tokenId: t.owner.tokenId,
        targetType: 'token',
        targetId: tokenId,
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      });
      expect(Date.now() - Date.parse(entry.createdAt)).toBeLessThan(60_000);
    }
    expect(entries[2].details).toMatchObject({
      note: 'audited token',
      permissions: ['releases'],
      userId: serviceUserId,
    });
  });

  it('should answer newest first, paginated like /api/users', async () => {
    const response = await list('?perPage=2');
    expectStatus(response, 200);
    expect(response.body.paginate).toMatchObject({ current: 1, from: 1, to: 2, pageSize: 2 });
    expect(response.body.paginate.total).toBeGreaterThanOrEqual(5);
    const [first, second] = response.body.results as Entry[];
    expect(Date.parse(first.createdAt)).toBeGreaterThanOrEqual(Date.parse(second.createdAt));
  });

  it('should filter by action and by actor', async () => {
    const byAction = await list('?action=user.created');
    expectStatus(byAction, 200);
    const users = byAction.body.results as Entry[];
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((entry) => entry.action === 'user.created')).toBe(true);
    expect(users.some((entry) => entry.targetId === serviceUserId)).toBe(true);

    const byActor = await list(`?actorId=${randomUUID()}`);
    expectStatus(byActor, 200);
    expect(byActor.body.results).toEqual([]);
  });

  it('should never hold a secret', async () => {
    const rows = await t.database.query<unknown[]>('SELECT * FROM audit_log_entries');
    const dump = JSON.stringify(rows);
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(5));
    }
    expect(dump).not.toMatch(/opat_[0-9A-Za-z]{10}/);
  });

  it('should refuse bad filters with 400 naming them', async () => {
    for (const [query, field] of [
      ['?action=token.exploded', 'action'],
      ['?actorId=nope', 'actorId'],
      ['?perPage=101', 'perPage'],
    ]) {
      const response = await list(query);
      expectStatus(response, 400);
      expect(JSON.stringify(response.body.message)).toContain(field);
    }
  });

  it('should be for admins only', async () => {
    const member = await t.createPerson('audit-member@example.com', 'member', {
      permissions: ['owner'],
    });
    expectStatus(await t.as(member.token).get('/api/audit-log'), 403);
    expectStatus(await t.http().get('/api/audit-log'), 401);
  });

  it('should purge entries older than the retention', async () => {
    const service = t.app.get(AuditLogService);
    const before = ((await list()).body.paginate as { total: number }).total;
    expect(await service.purge(new Date(Date.now() + 364 * 24 * 60 * 60 * 1000))).toBe(0);
    const purged = await service.purge(new Date(Date.now() + 366 * 24 * 60 * 60 * 1000));
    expect(purged).toBeGreaterThanOrEqual(before);
    expect(((await list()).body.paginate as { total: number }).total).toBe(0);
  });
});
