import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Permission } from '../src/modules/auth';
import {
  expectBadRequestNaming,
  ISO,
  Json,
  PageBody,
  PROJECT_FIELDS,
  ProjectBody,
  query,
  TokenBody,
  unique,
  uniqueEmail,
  UUID,
} from './support/spec-helpers';
import { expectStatus } from './support/http';
import { IssuedToken, TestApp } from './support/test-app';

describe('Projects', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });

  afterAll(async () => {
    await t.close();
  });

  const asOwner = () => t.as(t.owner.token);
  const create = async (name: string, key: string, extra: Json = {}): Promise<ProjectBody> =>
    (await t.createProject(name, key, extra)) as ProjectBody;
  const getProject = async (id: string): Promise<ProjectBody> => {
    const response = await asOwner().get(`/api/projects/${id}`);
    expectStatus(response, 200);
    return response.body as ProjectBody;
  };
  const listProjects = async (token: string, search = ''): Promise<PageBody<ProjectBody>> => {
    const response = await t.as(token).get(`/api/projects?${search}`);
    expectStatus(response, 200);
    return response.body as PageBody<ProjectBody>;
  };
  const idsOf = (page: PageBody<ProjectBody>) => page.results.map((project) => project.id);
  /** A person of `type` holding a token with `permissions` on `projects` (all projects if omitted). */
  const holder = (
    type: 'owner' | 'admin' | 'author' | 'member',
    permissions: Permission[],
    projects?: string[],
  ): Promise<IssuedToken> =>
    t.createPerson(uniqueEmail(`${type}-holder`), type, {
      permissions,
      allProjects: projects === undefined,
      projects: projects ?? [],
    });

  describe('GET /api/projects', () => {
    const marker = unique('listed');
    let alpha: ProjectBody;
    let bravo: ProjectBody;
    let charlie: ProjectBody;

    beforeAll(async () => {
      // Created out of name order: the list is sorted by name.
      charlie = await create(`${marker} Charlie`, `${marker}-charlie`);
      alpha = await create(`${marker} Alpha`, `${marker}-alpha`);
      bravo = await create(`${marker} Bravo`, `${marker}-bravo`);
    });

    it('should answer an all-projects token every project, by name, in the documented shape', async () => {
      const page = await listProjects(t.owner.token, `search=${marker}`);
      expect(Object.keys(page).sort()).toEqual(['paginate', 'results']);
      expect(page.paginate).toEqual({ current: 1, from: 1, to: 3, total: 3, pageSize: 20 });
      expect(idsOf(page)).toEqual([alpha.id, bravo.id, charlie.id]);
      for (const project of page.results) {
        expect(Object.keys(project).sort()).toEqual(PROJECT_FIELDS);
      }
      expect(page.results[0]).toEqual(alpha);
    });

    it('should answer a project-scoped token its own projects only', async () => {
      const scoped = await holder('member', ['documents:view-content'], [alpha.id, charlie.id]);
      const page = await listProjects(scoped.token);
      expect(idsOf(page)).toEqual([alpha.id, charlie.id]);
      expect(page.paginate.total).toBe(2);
      expect(idsOf(await listProjects(scoped.token, `search=${marker}-bravo`))).toEqual([]);
    });

    it('should answer a token on no project an empty page', async () => {
      const none = await holder('admin', ['owner'], []);
      expect(await listProjects(none.token)).toEqual({
        results: [],
        paginate: { current: 1, from: 0, to: 0, total: 0, pageSize: 20 },
      });
    });

    it('should search names and keys, case-insensitively', async () => {
      const byName = await listProjects(
        t.owner.token,
        `search=${encodeURIComponent(`${marker} BRAVO`)}`,
      );
      expect(idsOf(byName)).toEqual([bravo.id]);
      expect(idsOf(await listProjects(t.owner.token, `search=${marker}-CHAR`))).toEqual([
        charlie.id,
      ]);
    });

    it('should take % and _ in a search literally', async () => {
      expect((await listProjects(t.owner.token, `search=${marker}%25`)).paginate.total).toBe(0);
      const underscore = marker.replace('-', '_');
      expect((await listProjects(t.owner.token, `search=${underscore}`)).paginate.total).toBe(0);
    });

    it('should page with page and perPage', async () => {
      const pages = [];
      for (const page of [1, 2, 3]) {
        pages.push(await listProjects(t.owner.token, `search=${marker}&perPage=2&page=${page}`));
      }
      expect(pages.map((page) => page.paginate)).toEqual([
        { current: 1, from: 1, to: 2, total: 3, pageSize: 2 },
        { current: 2, from: 3, to: 3, total: 3, pageSize: 2 },
        { current: 3, from: 0, to: 0, total: 3, pageSize: 2 },
      ]);
      expect(pages.flatMap(idsOf)).toEqual([alpha.id, bravo.id, charlie.id]);
    });

    it.each([
      ['perPage', 'perPage=101'],
      ['perPage', 'perPage=0'],
      ['page', 'page=0'],
      ['page', 'page=two'],
      ['search', `search=${'x'.repeat(101)}`],
      ['isService', 'isService=true'],
    ])('should answer 400 naming %s for %s', async (field, search) => {
      expectBadRequestNaming(await asOwner().get(`/api/projects?${search}`), field);
    });
  });

  describe('POST /api/projects', () => {
    it('should create an unprotected v1 project by default, with a trimmed name', async () => {
      const key = unique('pricing');
      const response = await asOwner()
        .post('/api/projects')
        .send({ name: '  Pricing rules ', key });
      expectStatus(response, 201);
      const body = response.body as ProjectBody;
      expect(Object.keys(body).sort()).toEqual(PROJECT_FIELDS);
      expect(body).toMatchObject({ name: 'Pricing rules', key, version: 'v1', protected: false });
      expect(body.id).toMatch(UUID);
      expect(body.organisationId).toMatch(UUID);
      expect(body.createdAt).toMatch(ISO);
      expect(body.updatedAt).toBe(body.createdAt);
      expect(await getProject(body.id)).toEqual(body);
    });

    it('should create a protected v2 project', async () => {
      const response = await asOwner()
        .post('/api/projects')
        .send({ name: 'Branches', key: unique('branches'), protected: true, version: 'v2' });
      expectStatus(response, 201);
      expect(response.body).toMatchObject({ protected: true, version: 'v2' });
    });

    it.each(['ab', 'a1', '00', 'pricing-rules', 'a1-b2-c3', 'ab-c', 'k'.repeat(64)])(
      'should accept the key %s',
      async (key) => {
        const response = await asOwner().post('/api/projects').send({ name: 'Keyed', key });
        expectStatus(response, 201);
        expect(response.body.key).toBe(key);
      },
    );

    it.each<[string, unknown]>([
      ['one character', 'a'],
      ['upper case', 'Pricing'],
      ['a first group of one character', 'a-bc'],
      ['a leading dash', '-ab'],
      ['a trailing dash', 'ab-'],
      ['two dashes in a row', 'ab--cd'],
      ['an underscore', 'ab_cd'],
      ['a space', 'ab cd'],
      ['a dot', 'ab.cd'],
      ['a slash', 'ab/cd'],
      ['a letter outside a-z', 'äb'],
      ['nothing', ''],
      ['65 characters', 'k'.repeat(65)],
      ['a number', 42],
      ['null', null],
    ])('should answer 400 naming key for a key with %s', async (_case, key) => {
      const response = await asOwner().post('/api/projects').send({ name: 'Bad key', key });
      expectBadRequestNaming(response, 'key');
    });

    it('should answer 409 to a duplicate key, and create nothing', async () => {
      const key = unique('taken');
      await create('First', key);
      const response = await asOwner().post('/api/projects').send({ name: 'Second', key });
      expectStatus(response, 409);
      expect((await listProjects(t.owner.token, `search=${key}`)).paginate.total).toBe(1);
    });

    it('should answer exactly one 201 and one 409 to two racing creates of one key', async () => {
      const key = unique('race');
      const responses = await Promise.all([
        asOwner().post('/api/projects').send({ name: 'Racer one', key }),
        asOwner().post('/api/projects').send({ name: 'Racer two', key }),
      ]);
      expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
      const page = await listProjects(t.owner.token, `search=${key}`);
      expect(idsOf(page)).toEqual([responses.find((response) => response.status === 201)!.body.id]);
    });

    it.each<[string, Json, string]>([
      ['no name', { name: undefined }, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a name of spaces', { name: '   ' }, 'name'],
      ['a name of 101 characters', { name: 'x'.repeat(101) }, 'name'],
      ['a name that is a number', { name: 7 }, 'name'],
      ['no key', { key: undefined }, 'key'],
      ['protected as a string', { protected: 'yes' }, 'protected'],
      ['protected null', { protected: null }, 'protected'],
      ['an unknown version', { version: 'v3' }, 'version'],
      ['version null', { version: null }, 'version'],
      ['an organisationId', { organisationId: randomUUID() }, 'organisationId'],
      ['an id', { id: randomUUID() }, 'id'],
    ])(
      'should answer 400 naming the field for %s, and create nothing',
      async (_case, patch, field) => {
        const key = unique('refused');
        const response = await asOwner()
          .post('/api/projects')
          .send({ name: 'Refused', key, ...patch });
        expectBadRequestNaming(response, field);
        expect((await listProjects(t.owner.token, `search=${key}`)).paginate.total).toBe(0);
      },
    );

    describe('who may create', () => {
      it.each<[string, 'owner' | 'admin' | 'author' | 'member', Permission[], number]>([
        ['an author with project:manage on all projects', 'author', ['project:manage'], 201],
        ['an admin with owner on all projects', 'admin', ['owner'], 201],
        ['an owner with project:manage on all projects', 'owner', ['project:manage'], 201],
        ['a member with owner on all projects', 'member', ['owner'], 403],
        ['an admin with documents on all projects', 'admin', ['documents'], 403],
      ])('should answer %s with %i', async (_who, type, permissions, status) => {
        const caller = await holder(type, permissions);
        const key = unique('creator');
        const response = await t
          .as(caller.token)
          .post('/api/projects')
          .send({ name: 'Created', key });
        expectStatus(response, status);
        expect((await listProjects(t.owner.token, `search=${key}`)).paginate.total).toBe(
          status === 201 ? 1 : 0,
        );
      });

      it('should answer 403 to an admin whose owner token is on one project only', async () => {
        const project = await create('Only one', unique('only-one'));
        const caller = await holder('admin', ['owner'], [project.id]);
        const response = await t
          .as(caller.token)
          .post('/api/projects')
          .send({ name: 'Created', key: unique('scoped-creator') });
        expectStatus(response, 403);
      });

      it.each<['admin' | 'member', number]>([
        ['admin', 201],
        ['member', 403],
      ])('should answer an %s service user with an owner token %i', async (type, status) => {
        const bot = await t.createServiceUser(uniqueEmail(`${type}-creator-bot`), type);
        const issued = await t.createServiceUserToken(bot.id, { permissions: ['owner'] });
        const response = await t
          .as(issued.token)
          .post('/api/projects')
          .send({ name: 'By a bot', key: unique('bot-created') });
        expectStatus(response, status);
      });
    });
  });

  describe('GET /api/projects/{projectId}', () => {
    let mine: ProjectBody;
    let theirs: ProjectBody;
    let scoped: IssuedToken;

    beforeAll(async () => {
      mine = await create('Mine', unique('mine'));
      theirs = await create('Secret theirs', unique('theirs'));
      scoped = await holder('member', ['documents:view-content'], [mine.id]);
    });

    it('should answer the project to any permission on it, upper-case id or not', async () => {
      for (const id of [mine.id, mine.id.toUpperCase()]) {
        const response = await t.as(scoped.token).get(`/api/projects/${id}`);
        expectStatus(response, 200);
        expect(response.body).toEqual(mine);
      }
    });

    it('should answer 403 to a token on another project, without its details', async () => {
      const response = await t.as(scoped.token).get(`/api/projects/${theirs.id}`);
      expectStatus(response, 403);
      expect(response.text).not.toContain('Secret theirs');
    });

    it('should answer 404 for an unknown project', async () => {
      expectStatus(await asOwner().get(`/api/projects/${randomUUID()}`), 404);
    });

    it('should answer 400 naming projectId for an id that is not a UUID', async () => {
      expectBadRequestNaming(await asOwner().get('/api/projects/pricing'), 'projectId');
    });
  });

  describe('PUT /api/projects/{projectId}', () => {
    const update = (id: string, body: Json, token = t.owner.token) =>
      t.as(token).put(`/api/projects/${id}`).send(body);

    it('should update name, key and protection', async () => {
      const project = await create('Before', unique('before'));
      await sleep(5);
      const key = unique('after');
      const response = await update(project.id, { name: ' After ', key, protected: true });
      expectStatus(response, 200);
      const body = response.body as ProjectBody;
      expect(body).toMatchObject({
        id: project.id,
        name: 'After',
        key,
        protected: true,
        version: project.version,
        organisationId: project.organisationId,
        createdAt: project.createdAt,
      });
      expect(Date.parse(body.updatedAt)).toBeGreaterThan(Date.parse(project.updatedAt));
      expect(await getProject(project.id)).toEqual(body);
    });

    it('should answer the project unchanged to an empty body or its own key', async () => {
      const project = await create('Same', unique('same'));
      for (const body of [{}, { key: project.key }]) {
        const response = await update(project.id, body);
        expectStatus(response, 200);
        expect(response.body).toEqual(project);
      }
    });

    it("should answer 409 to another project's key, and change nothing", async () => {
      const first = await create('First', unique('first'));
      const second = await create('Second', unique('second'));
      expectStatus(await update(second.id, { key: first.key }), 409);
      expect(await getProject(second.id)).toEqual(second);
    });

    it.each<[string, Json, string]>([
      ['name null', { name: null }, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a bad key', { key: 'Bad Key' }, 'key'],
      ['key null', { key: null }, 'key'],
      ['protected as a string', { protected: 'no' }, 'protected'],
      ['a version', { version: 'v2' }, 'version'],
      ['an organisationId', { organisationId: randomUUID() }, 'organisationId'],
      ['an id', { id: randomUUID() }, 'id'],
    ])(
      'should answer 400 naming the field for %s, and change nothing',
      async (_case, body, field) => {
        const project = await create('Unchanged', unique('unchanged'));
        expectBadRequestNaming(await update(project.id, body), field);
        expect(await getProject(project.id)).toEqual(project);
      },
    );

    it('should need project:manage on the project, held by an author or above', async () => {
      const project = await create('Managed', unique('managed'));
      const other = await create('Not managed', unique('not-managed'));
      const manager = await holder('author', ['project:manage'], [project.id]);
      const reader = await holder('admin', ['documents'], [project.id]);
      const owner = await holder('admin', ['owner'], [project.id]);
      // A member's type does not allow project:manage, whatever the token carries.
      const member = await holder('member', ['project:manage'], [project.id]);
      expectStatus(await update(project.id, { name: 'By manager' }, manager.token), 200);
      expectStatus(await update(project.id, { name: 'By owner' }, owner.token), 200);
      expectStatus(await update(project.id, { name: 'By reader' }, reader.token), 403);
      expectStatus(await update(project.id, { name: 'By member' }, member.token), 403);
      expectStatus(await update(other.id, { name: 'Elsewhere' }, manager.token), 403);
      expect((await getProject(project.id)).name).toBe('By owner');
      expect(await getProject(other.id)).toEqual(other);
    });

    it('should answer 404 for an unknown project, and 400 naming projectId for a bad id', async () => {
      expectStatus(await update(randomUUID(), { name: 'Nothing' }), 404);
      expectBadRequestNaming(await update('x', { name: 'Nothing' }), 'projectId');
    });
  });

  describe('DELETE /api/projects/{projectId}', () => {
    const remove = (id: string, token = t.owner.token) => t.as(token).delete(`/api/projects/${id}`);

    it('should answer 200 with the deleted project, then forget it', async () => {
      const project = await create('Doomed', unique('doomed'));
      const response = await remove(project.id);
      expectStatus(response, 200);
      expect(response.body).toEqual(project);
      expectStatus(await asOwner().get(`/api/projects/${project.id}`), 404);
      expectStatus(await remove(project.id), 404);
      expect(idsOf(await listProjects(t.owner.token, `search=${project.key}`))).toEqual([]);
    });

    it('should answer 409 to a protected project until it is unprotected', async () => {
      const project = await create('Guarded', unique('guarded'), { protected: true });
      expectStatus(await remove(project.id), 409);
      expect(await getProject(project.id)).toEqual(project);
      expectStatus(
        await asOwner().put(`/api/projects/${project.id}`).send({ protected: false }),
        200,
      );
      const response = await remove(project.id);
      expectStatus(response, 200);
      expect(response.body).toMatchObject({ id: project.id, protected: false });
    });

    it('should need owner on the project', async () => {
      const project = await create('Owned', unique('owned'));
      const other = await create('Not owned', unique('not-owned'));
      const manager = await holder('admin', ['project:manage']);
      const owner = await holder('admin', ['owner'], [project.id]);
      expectStatus(await remove(project.id, manager.token), 403);
      expectStatus(await remove(other.id, owner.token), 403);
      expect(await getProject(other.id)).toEqual(other);
      expectStatus(await remove(project.id, owner.token), 200);
    });

    it('should free its key for a new project', async () => {
      const project = await create('Recycled', unique('recycled'));
      expectStatus(await remove(project.id), 200);
      const again = await create('Recycled again', project.key);
      expect(again.id).not.toBe(project.id);
    });

    it("should remove the project from every token's list, without widening any token", async () => {
      const gone = await create('Gone', unique('gone'));
      const kept = await create('Kept', unique('kept'));
      // Three tokens of three users: on both projects, and on the deleted one only.
      const both = await holder('admin', ['owner'], [gone.id, kept.id]);
      const onlyGone = await holder('member', ['documents'], [gone.id]);
      const bot = await t.createServiceUser(uniqueEmail('gone-bot'));
      const botToken = await t.createServiceUserToken(bot.id, {
        permissions: ['documents'],
        allProjects: false,
        projects: [gone.id],
      });
      // Used first, so that the principal cache holds their project lists.
      expect(idsOf(await listProjects(onlyGone.token))).toEqual([gone.id]);
      expect(idsOf(await listProjects(both.token))).toEqual([gone.id, kept.id]);

      expectStatus(await remove(gone.id), 200);

      const bothToken = await t.as(both.token).get(`/api/personal-access-tokens/${both.tokenId}`);
      expect((bothToken.body as TokenBody).projects.map((project) => project.id)).toEqual([
        kept.id,
      ]);
      const serviceToken = await asOwner().get(
        `/api/users/service/${bot.id}/personal-access-tokens/${botToken.tokenId}`,
      );
      expect(serviceToken.body).toMatchObject({ allProjects: false, projects: [] });
      expect(idsOf(await listProjects(both.token))).toEqual([kept.id]);
      expect(await listProjects(onlyGone.token)).toMatchObject({ results: [] });
      expectStatus(await t.as(onlyGone.token).get(`/api/projects/${kept.id}`), 403);
      expect(
        await query(t, 'SELECT * FROM personal_access_token_projects WHERE project_id = ?', [
          gone.id,
        ]),
      ).toEqual([]);
    });

    it('should answer 404 for an unknown project, and 400 naming projectId for a bad id', async () => {
      expectStatus(await remove(randomUUID()), 404);
      expectBadRequestNaming(await remove('x'), 'projectId');
    });
  });
});
