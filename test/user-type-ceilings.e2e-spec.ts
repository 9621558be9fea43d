import { expectStatus } from './support/http';
import { unique, uniqueEmail } from './support/spec-helpers';
import { IssuedToken, TestApp } from './support/test-app';

/*
 * What a request may do is its token's permissions capped by what its user's type allows now
 * (src/modules/auth/user-type-ceilings.ts): a token keeps what it was granted, a demotion takes
 * effect on the very next request, a promotion back restores it.
 */
describe('user type ceilings', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t.close();
  });

  const setType = async (userId: string, type: string) =>
    expectStatus(await t.as(t.owner.token).put(`/api/users/${userId}`).send({ type }), 200);
  const protectedProject = async () =>
    (await t.createProject('Guarded', unique('guarded'), { protected: true })).id;

  it('should refuse a demoted admin, on the very next request, to unprotect or delete a project with the owner token it still holds', async () => {
    const admin: IssuedToken = await t.createPerson(uniqueEmail('demoted'), 'admin');
    const project = await protectedProject();
    // Used (and cached) before the demotion: an owner token of an admin may do everything.
    expectStatus(await t.as(admin.token).get(`/api/projects/${project}`), 200);
    const probe = await t
      .http()
      .get('/api/auth/verify?permission=owner')
      .set('Authorization', `Bearer ${admin.token}`);
    expectStatus(probe, 200);

    await setType(admin.userId, 'member');

    const unprotect = await t
      .as(admin.token)
      .put(`/api/projects/${project}`)
      .send({ protected: false });
    expectStatus(unprotect, 403);
    expect(unprotect.body.message).toBe('This route needs the project:manage permission');
    expectStatus(await t.as(admin.token).delete(`/api/projects/${project}`), 403);
    // Still a member with a token on every project: it reads them, and the token shows what it
    // was granted.
    expectStatus(await t.as(admin.token).get(`/api/projects/${project}`), 200);
    const own = await t.as(admin.token).get('/api/personal-access-tokens/self');
    expectStatus(own, 200);
    expect(own.body.permissions).toEqual(['owner']);
    // And nothing changed.
    const stored = await t.as(t.owner.token).get(`/api/projects/${project}`);
    expect(stored.body.protected).toBe(true);

    // Promoted back, the same token may again.
    await setType(admin.userId, 'admin');
    expectStatus(
      await t.as(admin.token).put(`/api/projects/${project}`).send({ protected: false }),
      200,
    );
    expectStatus(await t.as(admin.token).delete(`/api/projects/${project}`), 200);
  });

  it('should let an author holding owner manage and create projects, never delete one', async () => {
    const author = await t.createPerson(uniqueEmail('author'), 'author', {
      permissions: ['owner'],
      allProjects: true,
    });
    const project = await protectedProject();
    expectStatus(
      await t.as(author.token).put(`/api/projects/${project}`).send({ protected: false }),
      200,
    );
    expectStatus(await t.as(author.token).delete(`/api/projects/${project}`), 403);
    expectStatus(
      await t
        .as(author.token)
        .post('/api/projects')
        .send({ name: 'Mine', key: unique('mine') }),
      201,
    );
  });

  it('should tell a gateway what the token may do for its user now: capped permissions in X-Auth-Permissions, and 403 past the cap', async () => {
    const member = await t.createPerson(uniqueEmail('gateway-member'), 'member', {
      permissions: ['owner'],
      allProjects: true,
    });
    const verify = (permission: string) =>
      t
        .http()
        .get(`/api/auth/verify?permission=${permission}`)
        .set('Authorization', `Bearer ${member.token}`);
    const content = await verify('releases:deploy');
    expectStatus(content, 200);
    expect(content.headers['x-auth-permissions']).toBe('documents,releases,branches,environments');
    expect(content.body.permissions).toEqual(['documents', 'releases', 'branches', 'environments']);
    for (const beyond of ['owner', 'project:manage', 'integrations:manage']) {
      expectStatus(await verify(beyond), 403);
    }
  });

  it('should answer introspection with the capped scope', async () => {
    const member = await t.createPerson(uniqueEmail('introspected'), 'member', {
      permissions: ['owner'],
      allProjects: true,
    });
    const answer = await t
      .as(t.owner.token)
      .post('/api/personal-access-tokens/introspect')
      .send({ token: member.token });
    expectStatus(answer, 200);
    expect(answer.body).toMatchObject({
      active: true,
      scope: 'documents releases branches environments',
    });
  });
});
