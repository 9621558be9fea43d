import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { query, unique, uniqueEmail, UNKNOWN_SECRET } from './support/spec-helpers';
import { expectStatus } from './support/http';
import { IssuedToken, TestApp } from './support/test-app';

/*
 * GET /api/auth/verify (nginx auth_request, Traefik forwardAuth, Envoy ext_authz): 200 with the
 * X-Auth-* headers, 401 with WWW-Authenticate, 403; never another status for a bad token.
 * And X-Token-Expires-At on every authenticated answer.
 */

const VERIFY = '/api/auth/verify';

describe('GET /api/auth/verify', () => {
  let t: TestApp;
  let bot: { id: string };
  let projectA: string;
  let projectB: string;

  beforeAll(async () => {
    t = await TestApp.start();
    bot = await t.createServiceUser(uniqueEmail('verify-bot'));
    projectA = (await t.createProject('Verify A', unique('verify-a'))).id;
    projectB = (await t.createProject('Verify B', unique('verify-b'))).id;
  });

  afterAll(async () => {
    await t.close();
  });

  const verify = (secret: string | null, search = '') => {
    const call = t.http().get(`${VERIFY}${search}`);
    return secret === null ? call : call.set('Authorization', `Bearer ${secret}`);
  };
  const expectRefused = (response: request.Response) => {
    expectStatus(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(response.headers['x-auth-user-id']).toBeUndefined();
  };

  describe('a valid token', () => {
    let scoped: IssuedToken;

    beforeAll(async () => {
      scoped = await t.createServiceUserToken(bot.id, {
        permissions: ['releases', 'documents:view-content'],
        allProjects: false,
        projects: [projectA, projectB],
        expiry: 'month',
      });
    });

    it('should answer 200 with the X-Auth-* headers and the same as a small JSON body', async () => {
      const response = await verify(scoped.token);

      expectStatus(response, 200);
      const row = await query<{ expires_at: string | Date }>(
        t,
        'SELECT expires_at FROM personal_access_tokens WHERE id = ?',
        [scoped.tokenId],
      );
      expect(row).toHaveLength(1);
      const projects = [projectA, projectB].sort().join(',');
      const headers = {
        'x-auth-user-id': bot.id,
        'x-auth-token-id': scoped.tokenId,
        'x-auth-organisation-id': expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
        'x-auth-user-type': 'member',
        'x-auth-permissions': 'releases,documents:view-content',
        'x-auth-projects': projects,
        'x-auth-expires-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      };
      expect(response.headers).toMatchObject(headers);
      expect(response.headers['x-token-expires-at']).toBe(response.headers['x-auth-expires-at']);
      expect(response.body).toEqual({
        userId: bot.id,
        tokenId: scoped.tokenId,
        organisationId: response.headers['x-auth-organisation-id'],
        userType: 'member',
        permissions: ['releases', 'documents:view-content'],
        projects: [projectA, projectB].sort(),
        expiresAt: response.headers['x-auth-expires-at'],
      });
    });

    it.each([
      ['a permission it holds', () => '?permission=releases'],
      ['a permission its family grants', () => '?permission=releases:deploy'],
      ['one of its projects', () => `?project=${projectA}`],
      ['both', () => `?permission=documents:view-content&project=${projectB}`],
      ['empty parameters (nginx variables left empty)', () => '?permission=&project='],
    ])('should answer 200 when asked for %s', async (_case, search) => {
      expectStatus(await verify(scoped.token, search()), 200);
    });

    it.each([
      ['a permission it lacks', '?permission=documents:edit-content'],
      ['a family it holds one permission of', '?permission=documents'],
      ['another project', `?project=${randomUUID()}`],
      ['a permission that does not exist', '?permission=releases:everything'],
      ['a project id that is not a UUID', '?project=not-a-uuid'],
      // What the input pipes refuse with 400 elsewhere: here only 200, 401 or 403.
      ['a permission holding a NUL', '?permission=releases%00'],
      ['a project holding an unpaired surrogate', '?project=%ED%A0%80'],
      ['a parameter named with a NUL', '?permission=documents:edit-content&x%00=1'],
    ])('should answer 403 when asked for %s', async (_case, search) => {
      const response = await verify(scoped.token, search);

      expectStatus(response, 403);
      expect(response.headers['x-auth-user-id']).toBeUndefined();
    });

    it('should answer * for an all-projects owner token of an admin, which passes any permission and project', async () => {
      const adminBot = await t.createServiceUser(uniqueEmail('verify-admin-bot'), 'admin');
      const owner = await t.createServiceUserToken(adminBot.id, {
        permissions: ['owner'],
        allProjects: true,
        expiry: 'indefinite',
      });

      const response = await verify(
        owner.token,
        `?permission=environments:delete&project=${randomUUID()}`,
      );

      expectStatus(response, 200);
      expect(response.headers['x-auth-projects']).toBe('*');
      expect(response.headers['x-auth-permissions']).toBe('owner');
      expect(response.headers).not.toHaveProperty('x-auth-expires-at');
      expect(response.headers).not.toHaveProperty('x-token-expires-at');
      expect((response.body as { projects: string }).projects).toBe('*');
      expect((response.body as { expiresAt: string | null }).expiresAt).toBeNull();
    });
  });

  describe('a token that is not valid', () => {
    it('should answer 401 with WWW-Authenticate without a token', async () => {
      expectRefused(await verify(null));
    });

    it.each([
      ['an unknown token', UNKNOWN_SECRET],
      ['a malformed token', 'opat_nope'],
      ['junk', 'a'.repeat(5000)],
    ])('should answer 401 to %s', async (_case, secret) => {
      expectRefused(await verify(secret));
    });

    it('should answer 401 to an expired, a deleted and a replaced token', async () => {
      const expired = await t.createServiceUserToken(bot.id, { expiry: 'week' });
      const past = t.kind === 'postgres' ? new Date(Date.now() - 1000) : '2000-01-01 00:00:00.000';
      await query(t, 'UPDATE personal_access_tokens SET expires_at = ? WHERE id = ?', [
        past,
        expired.tokenId,
      ]);
      const deleted = await t.createServiceUserToken(bot.id);
      const replaced = await t.createServiceUserToken(bot.id);
      const base = `/api/users/service/${bot.id}/personal-access-tokens`;
      expectStatus(await verify(deleted.token), 200);
      expectStatus(await t.as(t.owner.token).delete(`${base}/${deleted.tokenId}`), 200);
      expectStatus(
        await t
          .as(t.owner.token)
          .post(`${base}/${replaced.tokenId}/regenerate`)
          .send({ expiry: 'week' }),
        200,
      );

      for (const secret of [expired.token, deleted.token, replaced.token]) {
        expectRefused(await verify(secret, '?permission=owner'));
      }
    });

    it('should answer 401 to the token of a disabled user', async () => {
      const person = await t.createPerson(uniqueEmail('verify-disabled'), 'admin');
      expectStatus(
        await t.as(t.owner.token).put(`/api/users/${person.userId}`).send({ status: 'disabled' }),
        200,
      );

      expectRefused(await verify(person.token));
    });
  });

  describe('X-Token-Expires-At', () => {
    it('should be on every authenticated answer, refusals included, and absent for an indefinite token', async () => {
      const month = await t.createServiceUserToken(bot.id, {
        permissions: ['documents'],
        expiry: 'month',
      });
      const forever = await t.createServiceUserToken(bot.id, { expiry: 'indefinite' });
      const expiresAt = (month.body as { expiresAt: string }).expiresAt;

      const profile = await t.as(month.token).get('/api/profile');
      const forbidden = await t.as(month.token).get('/api/audit-log');
      const notFound = await t.as(month.token).get(`/api/projects/${randomUUID()}`);
      const indefinite = await t.as(forever.token).get('/api/profile');
      const anonymous = await t.http().get('/api/profile');

      expectStatus(profile, 200);
      expect(profile.headers['x-token-expires-at']).toBe(expiresAt);
      expectStatus(forbidden, 403);
      expect(forbidden.headers['x-token-expires-at']).toBe(expiresAt);
      expect(notFound.headers['x-token-expires-at']).toBe(expiresAt);
      expectStatus(indefinite, 200);
      expect(indefinite.headers).not.toHaveProperty('x-token-expires-at');
      expect(anonymous.headers).not.toHaveProperty('x-token-expires-at');
    });
  });
});

describe('GET /api/auth/verify from an address the throttle blocked', () => {
  let t: TestApp;

  beforeAll(async () => {
    process.env.AUTH_FAILURE_LIMIT = '3';
    t = await TestApp.start();
  });

  afterAll(async () => {
    process.env.AUTH_FAILURE_LIMIT = '100000';
    await t.close();
  });

  it('should answer 401 with Retry-After, never 429, where other routes answer 429, and pass a valid token', async () => {
    for (let i = 0; i < 5; i++) {
      await t.http().get(VERIFY).set('Authorization', `Bearer ${UNKNOWN_SECRET}`);
    }

    const blocked = await t.http().get(VERIFY).set('Authorization', `Bearer ${UNKNOWN_SECRET}`);
    const elsewhere = await t.as(UNKNOWN_SECRET).get('/api/profile');
    const valid = await t.http().get(VERIFY).set('Authorization', `Bearer ${t.owner.token}`);

    expectStatus(blocked, 401);
    expect(blocked.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expectStatus(elsewhere, 429);
    expectStatus(valid, 200);
  });
});
